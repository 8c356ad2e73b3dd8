<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AdminView</name>
    <message>
        <source>Version:</source>
        <translation>版本：</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>数据库：</translation>
    </message>
    <message>
        <source>Schema revision:</source>
        <translation>数据结构版本：</translation>
    </message>
    <message>
        <source>Active meters:</source>
        <translation>在运电能表：</translation>
    </message>
    <message>
        <source>Demo county:</source>
        <translation>演示县：</translation>
    </message>
    <message>
        <source>Configuration file:</source>
        <translation>配置文件：</translation>
    </message>
    <message>
        <source>Log file:</source>
        <translation>日志文件：</translation>
    </message>
    <message>
        <source>Backups:</source>
        <translation>备份目录：</translation>
    </message>
    <message>
        <source>System information</source>
        <translation>系统信息</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <source>Users and roles, devices and ports, warning thresholds and backups are managed here in a later release. Until then the configuration file and the command line (smc --help) set them.</source>
        <translation>用户与角色、设备与端口、预警阈值和备份将在后续版本中在此管理。在此之前，请通过配置文件和命令行（smc --help）进行设置。</translation>
    </message>
    <message>
        <source>Not installed yet</source>
        <translation>尚未安装</translation>
    </message>
    <message>
        <source>daily at {time}, the newest {keep} kept</source>
        <translation>每天 {time} 备份，保留最近 {keep} 份</translation>
    </message>
    <message>
        <source>daily backup off</source>
        <translation>每日备份已关闭</translation>
    </message>
    <message>
        <source>{path} ({schedule})</source>
        <translation>{path}（{schedule}）</translation>
    </message>
    <message>
        <source>on ({profile} profile, seed {seed})</source>
        <translation>已启用（{profile} 规模，随机种子 {seed}）</translation>
    </message>
    <message>
        <source>off</source>
        <translation>未启用</translation>
    </message>
    <message>
        <source>{path} (not present: defaults in use)</source>
        <translation>{path}（文件不存在，使用默认配置）</translation>
    </message>
</context>
<context>
    <name>ConsoleSession</name>
    <message>
        <source>Starting the meter emulator…</source>
        <translation>正在启动电能表仿真器…</translation>
    </message>
    <message>
        <source>Preparing the demo county</source>
        <translation>正在准备演示县</translation>
    </message>
    <message>
        <source>Creating supply stations, feeders, 台区, customers and meters…</source>
        <translation>正在创建供电所、线路、台区、客户和电能表…</translation>
    </message>
    <message>
        <source>Computing daily freezes and load curves of the last days…</source>
        <translation>正在计算近几日的日冻结数据和负荷曲线…</translation>
    </message>
    <message>
        <source>Saving the demo county to the database…</source>
        <translation>正在将演示县写入数据库…</translation>
    </message>
    <message>
        <source>The console cannot start</source>
        <translation>运营台无法启动</translation>
    </message>
</context>
<context>
    <name>CorruptDatabaseDialog</name>
    <message>
        <source>The database is damaged</source>
        <translation>数据库已损坏</translation>
    </message>
    <message>
        <source>The database file {path} failed its integrity check, so the console did not open it. Nothing has been written to it.</source>
        <translation>数据库文件 {path} 未通过完整性检查，运营台没有打开它，也没有向它写入任何内容。</translation>
    </message>
    <message>
        <source>The newest backup was taken at {taken}:
{backup}

Restore it (the damaged file is kept in the backup directory), open another database file, or quit.</source>
        <translation>最新的备份生成于 {taken}：
{backup}

可以恢复该备份（损坏的文件会保留在备份目录中）、打开其他数据库文件，或退出。</translation>
    </message>
    <message>
        <source>Restore the backup of {taken}</source>
        <translation>恢复 {taken} 的备份</translation>
    </message>
    <message>
        <source>No backup of it was found in the backup directory. Open another database file, or quit.</source>
        <translation>备份目录中没有找到它的备份。可以打开其他数据库文件，或退出。</translation>
    </message>
    <message>
        <source>Open another database…</source>
        <translation>打开其他数据库…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Open a database file</source>
        <translation>打开数据库文件</translation>
    </message>
    <message>
        <source>SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)</source>
        <translation>SQLite 数据库 (*.db *.sqlite *.sqlite3);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Smart Marketing Console</source>
        <translation>智能营销运营台</translation>
    </message>
    <message>
        <source>Marketing dispatch</source>
        <translation>营销调度</translation>
    </message>
</context>
<context>
    <name>Navigation</name>
    <message>
        <source>Panorama</source>
        <translation>全景监控</translation>
    </message>
    <message>
        <source>Early warning</source>
        <translation>在线预警</translation>
    </message>
    <message>
        <source>Repair dispatch</source>
        <translation>抢修调度</translation>
    </message>
    <message>
        <source>Collection</source>
        <translation>采集监控</translation>
    </message>
    <message>
        <source>Customer analytics</source>
        <translation>客户分析</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <source>Online early warning is not installed yet. It will evaluate rules continuously on the collected data — meters and concentrators offline, voltage out of limits, heavy and overloaded transformers, three-phase imbalance, abnormal line loss, suspected theft, arrears risk — and let you acknowledge, assign, shelve and resolve each alarm.</source>
        <translation>在线预警功能尚未安装。安装后将对采集数据持续评估预警规则——电能表与集中器离线、电压越限、配变重过载、三相不平衡、线损异常、疑似窃电、欠费风险——并支持对每条告警进行确认、指派、挂起和关闭。</translation>
    </message>
    <message>
        <source>Outage-repair dispatch is not installed yet. It will turn 95598 and phone tickets into repair work orders, roll tickets up to 台区 and feeder outages, send the nearest crew and keep the 45/90/120-minute arrival clocks.</source>
        <translation>抢修调度功能尚未安装。安装后可将 95598 及电话工单转为抢修工单，按台区和线路归并停电事件，派出最近的抢修队伍，并跟踪 45/90/120 分钟到达时限。</translation>
    </message>
    <message>
        <source>The collection monitor is not installed yet. Collection itself is running — its state is in the status bar below. This view will show the device tree, the success-rate trend, the devices that drag it down, the job panel and the live frames.</source>
        <translation>采集监控界面尚未安装。采集任务本身已在运行，状态见下方状态栏。该界面将提供设备树、采集成功率趋势、影响成功率的设备排名、任务面板和实时报文。</translation>
    </message>
    <message>
        <source>Customer analytics is not installed yet: credit rating and arrears risk, load-profile segmentation, tariff advice, demand-response candidates and day-ahead 台区 load forecasts.</source>
        <translation>客户分析功能尚未安装：信用评级与欠费风险、负荷特性聚类、电价套餐建议、需求响应候选客户以及台区日前负荷预测。</translation>
    </message>
</context>
<context>
    <name>NotInstalledView</name>
    <message>
        <source>Not installed yet</source>
        <translation>尚未安装</translation>
    </message>
</context>
<context>
    <name>PanoramaView</name>
    <message>
        <source>Panoramic monitoring</source>
        <translation>全景监控</translation>
    </message>
    <message>
        <source>Waiting for the database…</source>
        <translation>正在等待数据库…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Sales today</source>
        <translation>今日售电量</translation>
    </message>
    <message>
        <source>Current load</source>
        <translation>实时负荷</translation>
    </message>
    <message>
        <source>Peak load today</source>
        <translation>今日最大负荷</translation>
    </message>
    <message>
        <source>Meters read today</source>
        <translation>今日采集</translation>
    </message>
    <message>
        <source>meters</source>
        <translation>只</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今日</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨日</translation>
    </message>
    <message>
        <source>Load (kW)</source>
        <translation>负荷 (kW)</translation>
    </message>
    <message>
        <source>No load curve yet: no 台区 summary meter has been read today or yesterday.</source>
        <translation>暂无负荷曲线：今日和昨日均未采集到台区考核表数据。</translation>
    </message>
    <message>
        <source>Loading the load curves…</source>
        <translation>正在加载负荷曲线…</translation>
    </message>
    <message>
        <source>Supply load — sum of 台区 summary meters, 15-minute points</source>
        <translation>供电负荷曲线（台区考核表合计，15 分钟一点）</translation>
    </message>
    <message>
        <source>Cannot read the figures from the database: {error}</source>
        <translation>无法从数据库读取指标：{error}</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>{scope} · figures as of {time}</source>
        <translation>{scope} · 数据截至 {time}</translation>
    </message>
    <message>
        <source>No register readings today yet: waiting for collection.</source>
        <translation>今日尚无示度数据，等待采集。</translation>
    </message>
    <message>
        <source>{meters} customer meters, read up to {time}</source>
        <translation>{meters} 只用户表，采集至 {time}</translation>
    </message>
    <message>
        <source>No summary-meter reading in the last 30 minutes.</source>
        <translation>最近 30 分钟内没有考核表数据。</translation>
    </message>
    <message>
        <source>{slot} slot · {read}/{total} 台区 summary meters</source>
        <translation>{slot} 时段 · 考核表 {read}/{total} 只</translation>
    </message>
    <message>
        <source>No load curve points today yet.</source>
        <translation>今日尚无负荷曲线数据。</translation>
    </message>
    <message>
        <source>at {time}</source>
        <translation>出现于 {time}</translation>
    </message>
    <message>
        <source> · yesterday {kw} kW</source>
        <translation> · 昨日最大 {kw} kW</translation>
    </message>
    <message>
        <source>No meters in this scope.</source>
        <translation>该范围内没有电能表。</translation>
    </message>
    <message>
        <source>Collection success {rate} % (target {target} %)</source>
        <translation>采集成功率 {rate} %（目标 {target} %）</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <source>Database: opening…</source>
        <translation>数据库：正在打开…</translation>
    </message>
    <message>
        <source>Collection: starting…</source>
        <translation>采集：正在启动…</translation>
    </message>
    <message>
        <source>Alarms: early warning not installed</source>
        <translation>告警：在线预警未安装</translation>
    </message>
    <message>
        <source>The active-alarm count appears once early warning is installed.</source>
        <translation>安装在线预警后，此处显示活动告警数量。</translation>
    </message>
    <message>
        <source>Database: {db}</source>
        <translation>数据库：{db}</translation>
    </message>
    <message>
        <source>Collection: no run yet</source>
        <translation>采集：尚未运行</translation>
    </message>
    <message>
        <source>Collection: last run {time}, {ok}/{planned} meters, {seconds} s</source>
        <translation>采集：上次 {time}，成功 {ok}/{planned} 只，用时 {seconds} 秒</translation>
    </message>
    <message>
        <source> · next {time}</source>
        <translation> · 下次 {time}</translation>
    </message>
    <message>
        <source>Collection: reading {done}/{total} meters…</source>
        <translation>采集：正在读取 {done}/{total} 只…</translation>
    </message>
    <message>
        <source>Collection: starting a run…</source>
        <translation>采集：正在开始新一轮…</translation>
    </message>
    <message>
        <source>Collection failed: {message}</source>
        <translation>采集失败：{message}</translation>
    </message>
    <message>
        <source>Collection: off (see [collection] in the configuration)</source>
        <translation>采集：未启用（见配置文件 [collection] 节）</translation>
    </message>
    <message>
        <source>Start-up failed: {message}</source>
        <translation>启动失败：{message}</translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message>
        <source>Loading organisation…</source>
        <translation>正在加载组织机构…</translation>
    </message>
    <message>
        <source>Switch between the light and the dark theme</source>
        <translation>切换浅色/深色主题</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>{name} (whole county)</source>
        <translation>{name}（全县）</translation>
    </message>
    <message>
        <source>No organisation in the database</source>
        <translation>数据库中没有组织机构</translation>
    </message>
</context>
</TS>
