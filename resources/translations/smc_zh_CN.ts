<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AdminView</name>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Saved at</source>
        <translation>保存时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>修改人</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Jobs of the service</source>
        <translation>服务的全部作业</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>历史版本</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统信息</translation>
    </message>
    <message>
        <source>Thresholds</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>作业</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <source>Cannot read the thresholds: {error}</source>
        <translation>无法读取阈值：{error}</translation>
    </message>
</context>
<context>
    <name>ConsoleSession</name>
    <message>
        <source>Starting the service and the meter emulator…</source>
        <translation>正在启动服务和电能表仿真…</translation>
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
    <name>InfoPanel</name>
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
        <translation>数据库结构版本：</translation>
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
        <source>Service:</source>
        <translation>服务：</translation>
    </message>
    <message>
        <source>Operator:</source>
        <translation>操作员：</translation>
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
        <translation>备份：</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>on ({profile} profile, seed {seed})</source>
        <translation>开启（{profile} 规模，种子 {seed}）</translation>
    </message>
    <message>
        <source>in this window&apos;s process</source>
        <translation>运行在本窗口的进程内</translation>
    </message>
    <message>
        <source>its own process at {where}</source>
        <translation>独立进程 {where}</translation>
    </message>
    <message>
        <source>{path} (not present: defaults in use)</source>
        <translation>{path}（不存在：使用默认值）</translation>
    </message>
    <message>
        <source>daily backup off</source>
        <translation>每日备份已关闭</translation>
    </message>
    <message>
        <source>daily at {time}, the newest {keep} kept</source>
        <translation>每日 {time}，保留最近 {keep} 份</translation>
    </message>
    <message>
        <source>{path} ({schedule})</source>
        <translation>{path}（{schedule}）</translation>
    </message>
</context>
<context>
    <name>Jobs</name>
    <message>
        <source>Meter reading (own links)</source>
        <translation>电能表直抄（本地链路）</translation>
    </message>
    <message>
        <source>Daily freeze</source>
        <translation>日冻结</translation>
    </message>
    <message>
        <source>15-minute curves</source>
        <translation>15 分钟曲线</translation>
    </message>
    <message>
        <source>Event polling</source>
        <translation>事件轮询</translation>
    </message>
    <message>
        <source>Clock check</source>
        <translation>对时检查</translation>
    </message>
    <message>
        <source>Daily backup</source>
        <translation>每日备份</translation>
    </message>
    <message>
        <source>Every {every_s} s, and at start</source>
        <translation>每 {every_s} 秒一次，启动时执行一次</translation>
    </message>
    <message>
        <source>Daily at {start}, re-tries every {retry_min} min until {cutoff}</source>
        <translation>每日 {start}，之后每 {retry_min} 分钟补抄，直到 {cutoff}</translation>
    </message>
    <message>
        <source>Every {every_min} min (2 min after the quarter-hour)</source>
        <translation>每 {every_min} 分钟（整刻钟后 2 分钟）</translation>
    </message>
    <message>
        <source>Every {every_min} min</source>
        <translation>每 {every_min} 分钟</translation>
    </message>
    <message>
        <source>Daily at {at}; sets clocks off by more than the clock-drift threshold</source>
        <translation>每日 {at}；时钟偏差超过阈值时校时</translation>
    </message>
    <message>
        <source>Daily at {at}, the newest {keep} kept in {dir}</source>
        <translation>每日 {at}，在 {dir} 保留最近 {keep} 份</translation>
    </message>
    <message>
        <source>Collection</source>
        <translation>采集</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>运维</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>as scheduled</source>
        <translation>按计划</translation>
    </message>
    <message>
        <source>run by hand</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>at start</source>
        <translation>启动时</translation>
    </message>
    <message>
        <source>no run yet</source>
        <translation>尚未运行</translation>
    </message>
    <message>
        <source>{status}: {ok} of {planned} ok, {failed} failed, {s} s</source>
        <translation>{status}：{planned} 个中成功 {ok} 个，失败 {failed} 个，用时 {s} 秒</translation>
    </message>
    <message>
        <source>{status} in {s} s</source>
        <translation>{status}，用时 {s} 秒</translation>
    </message>
    <message>
        <source>Run now</source>
        <translation>立即执行</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Next {next} · last {last} {trigger} · {result}</source>
        <translation>下次 {next} · 上次 {last}（{trigger}）· {result}</translation>
    </message>
    <message>
        <source>Loading the jobs…</source>
        <translation>正在读取作业…</translation>
    </message>
    <message>
        <source>No job is scheduled.</source>
        <translation>没有已计划的作业。</translation>
    </message>
    <message>
        <source>Cannot read the jobs: {error}</source>
        <translation>无法读取作业：{error}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Smart Marketing Console</source>
        <translation>智能营销运营台</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Marketing dispatch</source>
        <translation>营销调度</translation>
    </message>
    <message>
        <source>Not installed yet</source>
        <translation>尚未安装</translation>
    </message>
    <message>
        <source>This capability did not start: see the log for why.</source>
        <translation>此功能未能启动，原因见日志。</translation>
    </message>
    <message>
        <source>Unavailable</source>
        <translation>不可用</translation>
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
        <source>Customer analytics is not installed yet: credit rating and arrears risk, load-profile segmentation, tariff advice, demand-response candidates and day-ahead 台区 load forecasts.</source>
        <translation>客户分析功能尚未安装：信用评级与欠费风险、负荷特性聚类、电价套餐建议、需求响应候选客户以及台区日前负荷预测。</translation>
    </message>
</context>
<context>
    <name>PanoramaView</name>
    <message>
        <source>Panoramic monitoring</source>
        <translation>全景监控</translation>
    </message>
    <message>
        <source>Loading the figures…</source>
        <translation>正在读取数据…</translation>
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
        <source>Still coming in</source>
        <translation>采集中</translation>
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
        <source>No summary-meter reading in the last 24 hours.</source>
        <translation>近 24 小时内没有考核表读数。</translation>
    </message>
    <message>
        <source>The {slot} slot is still coming in: {read}/{usual} 台区 summary meters so far.</source>
        <translation>{slot} 时段仍在采集中：已收到 {read}/{usual} 只台区考核表。</translation>
    </message>
    <message>
        <source> · {slot} coming in ({read} so far)</source>
        <translation> · {slot} 时段采集中（已收 {read} 只）</translation>
    </message>
    <message>
        <source>No complete quarter hour today yet.</source>
        <translation>今日尚无完整的 15 分钟时段。</translation>
    </message>
    <message>
        <source>{slot} slot · {read}/{total} 台区 summary meters</source>
        <translation>{slot} 时段 · 考核表 {read}/{total} 只</translation>
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
        <source>Service: starting…</source>
        <translation>服务：启动中…</translation>
    </message>
    <message>
        <source>Meter reading: starting…</source>
        <translation>直抄：启动中…</translation>
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
        <source>Service: in this window</source>
        <translation>服务：在本窗口内</translation>
    </message>
    <message>
        <source>The front end, collection and jobs run inside this window&apos;s process.</source>
        <translation>前置机、采集和作业运行在本窗口的进程内。</translation>
    </message>
    <message>
        <source>Service: connected</source>
        <translation>服务：已连接</translation>
    </message>
    <message>
        <source>Attached to the service at {where}</source>
        <translation>已连接到服务 {where}</translation>
    </message>
    <message>
        <source>Service: connection lost, reconnecting…</source>
        <translation>服务：连接中断，正在重连…</translation>
    </message>
    <message>
        <source>The service at {where} cannot be reached; the figures shown may be old. Reconnecting by itself.</source>
        <translation>无法连接服务 {where}，显示的数据可能已过时。正在自动重连。</translation>
    </message>
    <message>
        <source>Service: not answering</source>
        <translation>服务：无响应</translation>
    </message>
    <message>
        <source>Meter reading: off</source>
        <translation>直抄：关闭</translation>
    </message>
    <message>
        <source>See [collection] in the configuration</source>
        <translation>见配置文件的 [collection] 节</translation>
    </message>
    <message>
        <source>Meter reading: no run yet</source>
        <translation>直抄：尚未运行</translation>
    </message>
    <message>
        <source>Meter reading: {time}, {ok}/{planned} meters, {seconds} s</source>
        <translation>直抄：{time}，{ok}/{planned} 只表，用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>Meter reading: {done}/{total} meters…</source>
        <translation>直抄：{done}/{total} 只表…</translation>
    </message>
    <message>
        <source>Meter reading: starting a run…</source>
        <translation>直抄：开始抄表…</translation>
    </message>
    <message>
        <source> · next {time}</source>
        <translation> · 下次 {time}</translation>
    </message>
    <message>
        <source>Start-up failed: {message}</source>
        <translation>启动失败：{message}</translation>
    </message>
</context>
<context>
    <name>Thresholds</name>
    <message>
        <source>Collection success target</source>
        <translation>采集成功率目标</translation>
    </message>
    <message>
        <source>Collection success: red below</source>
        <translation>采集成功率告警（低于则标红）</translation>
    </message>
    <message>
        <source>Line loss: high above (高损)</source>
        <translation>线损率高损上限（高于为高损）</translation>
    </message>
    <message>
        <source>Line loss: negative below (负损)</source>
        <translation>线损率负损下限（低于为负损）</translation>
    </message>
    <message>
        <source>220 V voltage: upper limit</source>
        <translation>220 V 电压上偏差</translation>
    </message>
    <message>
        <source>220 V voltage: lower limit</source>
        <translation>220 V 电压下偏差</translation>
    </message>
    <message>
        <source>380 V voltage: ± limit</source>
        <translation>380 V 电压允许偏差（±）</translation>
    </message>
    <message>
        <source>Transformer heavy load (重载) from</source>
        <translation>配变重载起点</translation>
    </message>
    <message>
        <source>Transformer overload (过载) from</source>
        <translation>配变过载起点</translation>
    </message>
    <message>
        <source>Transformer light load below</source>
        <translation>配变轻载（低于）</translation>
    </message>
    <message>
        <source>Heavy or overload lasting at least</source>
        <translation>重载或过载持续时间至少</translation>
    </message>
    <message>
        <source>Three-phase imbalance above</source>
        <translation>三相不平衡度超过</translation>
    </message>
    <message>
        <source>Imbalance counted from a load rate of</source>
        <translation>负载率达到多少才计不平衡</translation>
    </message>
    <message>
        <source>Meter offline after no read for</source>
        <translation>电能表连续无抄读判为离线</translation>
    </message>
    <message>
        <source>Clock drift: set the clock above</source>
        <translation>时钟偏差超过则校时</translation>
    </message>
    <message>
        <source>Repair arrival, urban (城区)</source>
        <translation>抢修到达时限（城区）</translation>
    </message>
    <message>
        <source>Repair arrival, rural (农村)</source>
        <translation>抢修到达时限（农村）</translation>
    </message>
    <message>
        <source>Repair arrival, remote (边远)</source>
        <translation>抢修到达时限（边远）</translation>
    </message>
    <message>
        <source>Restoration after arrival, urban</source>
        <translation>到达后恢复送电时限（城区）</translation>
    </message>
    <message>
        <source>Restoration after arrival, rural</source>
        <translation>到达后恢复送电时限（农村）</translation>
    </message>
    <message>
        <source>min</source>
        <translation>分钟</translation>
    </message>
    <message>
        <source>h</source>
        <translation>小时</translation>
    </message>
    <message>
        <source>s</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>no such threshold</source>
        <translation>没有这个阈值</translation>
    </message>
    <message>
        <source>not a number</source>
        <translation>不是数字</translation>
    </message>
    <message>
        <source>at most {n} decimals</source>
        <translation>最多 {n} 位小数</translation>
    </message>
    <message>
        <source>must be between {low} and {high} {unit}</source>
        <translation>必须在 {low} 到 {high} {unit} 之间</translation>
    </message>
    <message>
        <source>Not saved: {name} = “{value}”: {why}.</source>
        <translation>未保存：{name} =“{value}”：{why}。</translation>
    </message>
    <message>
        <source>Not saved: {by} saved version {current} meanwhile. Discard your changes to see theirs, then make yours again.</source>
        <translation>未保存：{by} 在此期间保存了第 {current} 版。请放弃修改查看对方的版本，再重新修改。</translation>
    </message>
    <message>
        <source>Not saved: the database did not take it ({kind}).</source>
        <translation>未保存：数据库未接受（{kind}）。</translation>
    </message>
    <message>
        <source>Loading the thresholds…</source>
        <translation>正在读取阈值…</translation>
    </message>
    <message>
        <source>Save as a new version…</source>
        <translation>保存为新版本…</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>放弃修改</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>默认值</translation>
    </message>
    <message>
        <source>County-wide</source>
        <translation>全县</translation>
    </message>
    <message>
        <source>This supply station</source>
        <translation>本供电所</translation>
    </message>
    <message>
        <source>Supply station:</source>
        <translation>供电所：</translation>
    </message>
    <message>
        <source>An empty county-wide value means the default; an empty station value means the county-wide one. Every save is a new version; the earlier ones are kept.</source>
        <translation>全县一栏为空表示使用默认值；供电所一栏为空表示使用全县的值。每次保存都是一个新版本，旧版本保留。</translation>
    </message>
    <message>
        <source>No version saved yet: the program&apos;s defaults are in force.</source>
        <translation>尚未保存过版本：当前使用程序默认值。</translation>
    </message>
    <message>
        <source>Version {n} in force since {at}, saved by {by}</source>
        <translation>当前生效第 {n} 版，{at} 由 {by} 保存</translation>
    </message>
    <message>
        <source> · “{comment}”</source>
        <translation> ·“{comment}”</translation>
    </message>
    <message>
        <source>Between {low} and {high} {unit}</source>
        <translation>范围 {low} ～ {high} {unit}</translation>
    </message>
    <message>
        <source>Save the thresholds</source>
        <translation>保存阈值</translation>
    </message>
    <message>
        <source>Why are they changed? (kept with the version and the audit log)</source>
        <translation>修改原因？（随版本和审计日志保存）</translation>
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
