<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Accounts</name>
    <message>
        <source>the password must have at least {n} characters</source>
        <translation>密码至少需要 {n} 个字符</translation>
    </message>
    <message>
        <source>the password must contain letters and digits</source>
        <translation>密码须同时包含字母和数字</translation>
    </message>
    <message>
        <source>the password must not contain the login name</source>
        <translation>密码不能包含登录名</translation>
    </message>
    <message>
        <source>wrong login name or password</source>
        <translation>登录名或密码错误</translation>
    </message>
    <message>
        <source>the account is locked until {time} after {n} failed sign-ins; wait, or ask an administrator to unlock it</source>
        <translation>连续 {n} 次登录失败，账号已锁定至 {time}；请稍候，或请管理员解锁</translation>
    </message>
    <message>
        <source>wrong password {n} times: the account is locked until {time}</source>
        <translation>密码错误 {n} 次：账号已锁定至 {time}</translation>
    </message>
    <message>
        <source>login name {login}: 2-64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos; only</source>
        <translation>登录名 {login}：只能是 2–64 个字母、数字、“.”、“_”或“-”</translation>
    </message>
    <message>
        <source>there is already a user {login}</source>
        <translation>用户 {login} 已存在</translation>
    </message>
    <message>
        <source>{login} is the last active administrator</source>
        <translation>{login} 是最后一个在用的管理员</translation>
    </message>
    <message>
        <source>the new password must differ from the old one</source>
        <translation>新密码不能与旧密码相同</translation>
    </message>
    <message>
        <source>the old password is wrong</source>
        <translation>旧密码不正确</translation>
    </message>
    <message>
        <source>sign in as an administrator to manage users</source>
        <translation>请以管理员身份登录后管理用户</translation>
    </message>
    <message>
        <source>the first user of a database must be an administrator</source>
        <translation>数据库的第一个用户必须是管理员</translation>
    </message>
    <message>
        <source>there is no user {login}</source>
        <translation>没有用户 {login}</translation>
    </message>
    <message>
        <source>there is no supply station {code} (give its code or name)</source>
        <translation>没有供电所 {code}（请给出其编号或名称）</translation>
    </message>
</context>
<context>
    <name>AccountsView</name>
    <message>
        <source>Login</source>
        <translation>登录名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Supply stations</source>
        <translation>供电所</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Last sign-in</source>
        <translation>最近登录</translation>
    </message>
    <message>
        <source>Add user…</source>
        <translation>添加用户…</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>用户管理</translation>
    </message>
    <message>
        <source>Whole county</source>
        <translation>全县</translation>
    </message>
    <message>
        <source>{n} users</source>
        <translation>{n} 个用户</translation>
    </message>
    <message>
        <source>Only administrators manage the users: sign in as one.</source>
        <translation>只有管理员可以管理用户，请以管理员身份登录。</translation>
    </message>
    <message>
        <source>Cannot read the users: {error}</source>
        <translation>无法读取用户：{error}</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>Locked until {time}</source>
        <translation>锁定至 {time}</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Not done: {reason}</source>
        <translation>未完成：{reason}</translation>
    </message>
</context>
<context>
    <name>AddUserDialog</name>
    <message>
        <source>Add a user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Login name</source>
        <translation>登录名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Supply stations (none: the whole county)</source>
        <translation>供电所（不选：全县）</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>A login name has 2 to 64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;.</source>
        <translation>登录名由 2 到 64 个字母、数字、“.”、“_”或“-”组成。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
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
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>Archive import</source>
        <translation>档案导入</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <source>Cannot read the thresholds: {error}</source>
        <translation>无法读取阈值：{error}</translation>
    </message>
    <message>
        <source>Only supervisors and administrators may read the audit log.</source>
        <translation>只有班长和管理员可以查看审计日志。</translation>
    </message>
    <message>
        <source>Cannot read the audit log: {error}</source>
        <translation>无法读取审计日志：{error}</translation>
    </message>
    <message>
        <source>{n} entries exported to {path}</source>
        <translation>已导出 {n} 条记录到 {path}</translation>
    </message>
    <message>
        <source>The export failed: {error}</source>
        <translation>导出失败：{error}</translation>
    </message>
    <message>
        <source>The import failed; nothing was stored: {reason}</source>
        <translation>导入失败，未保存任何数据：{reason}</translation>
    </message>
</context>
<context>
    <name>Archive</name>
    <message>
        <source>expected 4 digits (行政区划码, e.g. 3301)</source>
        <translation>应为 4 位数字（行政区划码，如 3301）</translation>
    </message>
    <message>
        <source>expected a number 1-65535 (or hexadecimal 0x0001-0xFFFF)</source>
        <translation>应为 1–65535 的数字（或十六进制 0x0001–0xFFFF）</translation>
    </message>
    <message>
        <source>must be between 1 and 65535</source>
        <translation>应在 1 到 65535 之间</translation>
    </message>
    <message>
        <source>{date} is in the future</source>
        <translation>{date} 晚于今天</translation>
    </message>
    <message>
        <source>address {address}</source>
        <translation>地址 {address}</translation>
    </message>
    <message>
        <source>unknown 台区 {code} (import the org file first)</source>
        <translation>台区 {code} 不存在（请先导入台区档案）</translation>
    </message>
    <message>
        <source>{address} is concentrator {holder}&apos;s in the database (give that one its new address first, in a file of its own)</source>
        <translation>地址 {address} 在数据库中属于集中器 {holder}（请先用单独的文件为其改址）</translation>
    </message>
    <message>
        <source>{n} meters behind concentrator {asset_no} are in another 台区 than {code}: move them with a meters import first</source>
        <translation>集中器 {asset_no} 下有 {n} 块表计不在台区 {code}：请先通过计量档案导入调整</translation>
    </message>
    <message>
        <source>longitude and latitude go together: give both or neither</source>
        <translation>经度和纬度须同时填写或同时留空</translation>
    </message>
    <message>
        <source>unknown 台区 {code} (not in the database)</source>
        <translation>台区 {code} 不存在（数据库中没有）</translation>
    </message>
    <message>
        <source>unknown tariff {code} (not in the database)</source>
        <translation>电价 {code} 不存在（数据库中没有）</translation>
    </message>
    <message>
        <source>tariff {code} is for {tariff_class} customers, this customer is {customer_class}</source>
        <translation>电价 {code} 适用于{tariff_class}客户，该客户为{customer_class}</translation>
    </message>
    <message>
        <source>{end} is before the start {start}</source>
        <translation>{end} 早于发生时间 {start}</translation>
    </message>
    <message>
        <source>{kind} of {asset_no} has no end, after the next one started ({start}, row {row})</source>
        <translation>{asset_no} 的{kind}事件没有结束时间，而下一次已于 {start} 发生（第 {row} 行）</translation>
    </message>
    <message>
        <source>{kind} of {asset_no} ends {end}, after the next one started ({start}, row {row})</source>
        <translation>{asset_no} 的{kind}事件于 {end} 结束，晚于下一次发生时间 {start}（第 {row} 行）</translation>
    </message>
    <message>
        <source>{kind} of {asset_no} at {start}</source>
        <translation>{asset_no} 于 {start} 的{kind}事件</translation>
    </message>
    <message>
        <source>meter {asset_no} is single-phase: leave phases B and C empty</source>
        <translation>表计 {asset_no} 为单相表：B、C 相请留空</translation>
    </message>
    <message>
        <source>point of {asset_no} at {time}</source>
        <translation>{asset_no} 在 {time} 的曲线点</translation>
    </message>
    <message>
        <source>unknown meter {asset_no} (import the meters first)</source>
        <translation>表计 {asset_no} 不存在（请先导入计量档案）</translation>
    </message>
    <message>
        <source>{path}: the name must end in .csv or .xlsx (the format to write)</source>
        <translation>{path}：文件名须以 .csv 或 .xlsx 结尾（即导出格式）</translation>
    </message>
    <message>
        <source>{path} is a folder: give the name of the file to write</source>
        <translation>{path} 是文件夹：请给出要写入的文件名</translation>
    </message>
    <message>
        <source>cannot write in {folder}: {reason}</source>
        <translation>无法在 {folder} 中写入：{reason}</translation>
    </message>
    <message>
        <source>cannot write {path}: {reason}</source>
        <translation>无法写入 {path}：{reason}</translation>
    </message>
    <message>
        <source>{kind}: more rows than an Excel sheet holds ({limit}); export to a .csv file instead</source>
        <translation>{kind}：行数超过 Excel 工作表上限（{limit} 行）；请改为导出 .csv 文件</translation>
    </message>
    <message>
        <source>longer than {n} characters</source>
        <translation>超过 {n} 个字符</translation>
    </message>
    <message>
        <source>unknown link scheme {scheme}:// (expected {known})</source>
        <translation>未知的通道类型 {scheme}://（应为 {known}）</translation>
    </message>
    <message>
        <source>missing: a meter without a 集中器资产号 needs a link of its own</source>
        <translation>缺少：没有集中器资产号的表计须有自己的通道</translation>
    </message>
    <message>
        <source>missing: a customer meter (用户表) bills a customer</source>
        <translation>缺少：用户表须对应一个户号</translation>
    </message>
    <message>
        <source>a summary meter (考核表) bills no customer: leave empty</source>
        <translation>考核表不对应客户：请留空</translation>
    </message>
    <message>
        <source>通信地址 {address} on {bus}</source>
        <translation>{bus} 上的通信地址 {address}</translation>
    </message>
    <message>
        <source>表箱 {box} is in 台区 {code} on row {row}</source>
        <translation>表箱 {box} 在第 {row} 行属于台区 {code}</translation>
    </message>
    <message>
        <source>unknown customer {number} (import the customers first)</source>
        <translation>户号 {number} 不存在（请先导入客户档案）</translation>
    </message>
    <message>
        <source>表箱 {box} is in 台区 {stored}, not {code}</source>
        <translation>表箱 {box} 属于台区 {stored}，而非 {code}</translation>
    </message>
    <message>
        <source>unknown concentrator {asset_no} (not in the database)</source>
        <translation>集中器 {asset_no} 不存在（数据库中没有）</translation>
    </message>
    <message>
        <source>concentrator {asset_no} serves 台区 {stored}, not {code}</source>
        <translation>集中器 {asset_no} 服务于台区 {stored}，而非 {code}</translation>
    </message>
    <message>
        <source>{address} on {bus} is already meter {holder}&apos;s (in the database)</source>
        <translation>{bus} 上的地址 {address} 已被表计 {holder} 占用（数据库中）</translation>
    </message>
    <message>
        <source>expected a whole number of kVA (e.g. 400)</source>
        <translation>应为整数 kVA（如 400）</translation>
    </message>
    <message>
        <source>must be between 1 and {limit} kVA</source>
        <translation>应在 1 到 {limit} kVA 之间</translation>
    </message>
    <message>
        <source>the database has no county yet: name it in 县公司 (county_name)</source>
        <translation>数据库中还没有县公司：请在“县公司”列中填写</translation>
    </message>
    <message>
        <source>the database has several counties ({names}): say which in 县公司 (county_name)</source>
        <translation>数据库中有多个县公司（{names}）：请在“县公司”列中指明</translation>
    </message>
    <message>
        <source>county {county} is not in the database and would be created: name its 市公司 (company_name), the database has none</source>
        <translation>县公司 {county} 不在数据库中，将被新建：请填写其市公司（数据库中还没有市公司）</translation>
    </message>
    <message>
        <source>county {county} is not in the database and would be created: name its 市公司 (company_name), the database has several</source>
        <translation>县公司 {county} 不在数据库中，将被新建：请填写其市公司（数据库中有多个市公司）</translation>
    </message>
    <message>
        <source>线路 {feeder} belongs to 供电所 {stored} in the database, not {station}</source>
        <translation>线路 {feeder} 在数据库中属于供电所 {stored}，而非 {station}</translation>
    </message>
    <message>
        <source>线路 {feeder} is under 供电所 {here} here, not {there} as on row {row}</source>
        <translation>线路 {feeder} 在此属于供电所 {here}，与第 {row} 行的 {there} 不一致</translation>
    </message>
    <message>
        <source>线路 {feeder} is fed by 变电站 {here} here, not {there} as on row {row}</source>
        <translation>线路 {feeder} 在此由变电站 {here} 供电，与第 {row} 行的 {there} 不一致</translation>
    </message>
    <message>
        <source>{time} is before the freeze itself (00:00 of {date})</source>
        <translation>{time} 早于冻结时刻（{date} 00:00）</translation>
    </message>
    <message>
        <source>the tariff registers add up to {sum} kWh, more than the total {total} kWh</source>
        <translation>尖峰平谷示值之和 {sum} kWh 大于总示值 {total} kWh</translation>
    </message>
    <message>
        <source>row {row}</source>
        <translation>第 {row} 行</translation>
    </message>
    <message>
        <source>stored</source>
        <translation>库中已有</translation>
    </message>
    <message>
        <source>{after} kWh is less than {before} kWh of {date} ({where})</source>
        <translation>{after} kWh 小于 {date} 的 {before} kWh（{where}）</translation>
    </message>
    <message>
        <source>{before} kWh is more than the stored {after} kWh of {date}</source>
        <translation>{before} kWh 大于库中 {date} 的 {after} kWh</translation>
    </message>
    <message>
        <source>freeze of {asset_no} on {date}</source>
        <translation>{asset_no} 在 {date} 的冻结数据</translation>
    </message>
    <message>
        <source>column {n} has no header</source>
        <translation>第 {n} 列没有表头</translation>
    </message>
    <message>
        <source>unknown column {name} (column {n})</source>
        <translation>未知列 {name}（第 {n} 列）</translation>
    </message>
    <message>
        <source>column {name} (column {n}) repeats {first}</source>
        <translation>列 {name}（第 {n} 列）与 {first} 重复</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>missing required columns: {columns}</source>
        <translation>缺少必填列：{columns}</translation>
    </message>
    <message>
        <source>The {kind} columns are: {known} (or their English names; see resources/templates/README.md)</source>
        <translation>{kind}的列为：{known}（也可用英文列名；见 resources/templates/README.md）</translation>
    </message>
    <message>
        <source>{problems}. {columns}</source>
        <translation>{problems}。{columns}</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>row {row}: {reason}</source>
        <translation>第 {row} 行：{reason}</translation>
    </message>
    <message>
        <source>row {row}, {column}: {reason}</source>
        <translation>第 {row} 行，{column}：{reason}</translation>
    </message>
    <message>
        <source>values in column(s) {columns}, which have no header</source>
        <translation>第 {columns} 列有数据但没有表头</translation>
    </message>
    <message>
        <source>{value}: {reason}</source>
        <translation>{value}：{reason}</translation>
    </message>
    <message>
        <source>missing required value</source>
        <translation>缺少必填值</translation>
    </message>
    <message>
        <source>duplicate {what} (also on row {row})</source>
        <translation>{what}重复（第 {row} 行也有）</translation>
    </message>
    <message>
        <source>{what} repeated on row {rows}</source>
        <translation>{what}在第 {rows} 行重复出现</translation>
    </message>
    <message>
        <source>longer than {n} characters ({length})</source>
        <translation>超过 {n} 个字符（{length} 个）</translation>
    </message>
    <message>
        <source>must not contain spaces</source>
        <translation>不能包含空格</translation>
    </message>
    <message>
        <source>expected up to 12 digits (e.g. 000000000001)</source>
        <translation>应为不超过 12 位的数字（如 000000000001）</translation>
    </message>
    <message>
        <source>expected up to 12 digits, got {n}</source>
        <translation>应不超过 12 位数字，实际 {n} 位</translation>
    </message>
    <message>
        <source>not a number</source>
        <translation>不是数字</translation>
    </message>
    <message>
        <source>must not be negative</source>
        <translation>不得为负数</translation>
    </message>
    <message>
        <source>{limit} 元/kWh or more: is it in 分 or per MWh?</source>
        <translation>达到或超过 {limit} 元/kWh：单位是否误为分或元/MWh？</translation>
    </message>
    <message>
        <source>expected 0 (not tiered) or a tier 1 to {last}</source>
        <translation>应为 0（不分档）或第 1 至 {last} 档</translation>
    </message>
    <message>
        <source>expected whole kWh a year, 1 to {limit}</source>
        <translation>应为整数年电量（kWh），范围 1 至 {limit}</translation>
    </message>
    <message>
        <source>no such time in {window}</source>
        <translation>{window} 含无效时刻</translation>
    </message>
    <message>
        <source>{window} is not a time window: expected e.g. 08:00-11:00;18:00-21:00</source>
        <translation>{window} 不是有效的时间段：格式如 08:00-11:00;18:00-21:00</translation>
    </message>
    <message>
        <source>{window}: a window cannot start at 24:00</source>
        <translation>{window}：时间段不能从 24:00 开始</translation>
    </message>
    <message>
        <source>{window} is empty</source>
        <translation>{window} 起止时刻相同，时长为零</translation>
    </message>
    <message>
        <source>a 分时 tariff prices 尖, 峰, 平 or 谷, not 全天</source>
        <translation>分时电价按尖、峰、平、谷时段计价，不能填全天</translation>
    </message>
    <message>
        <source>a {kind} tariff has one period, 全天</source>
        <translation>{kind}电价只有一个时段：全天</translation>
    </message>
    <message>
        <source>a 阶梯 tariff&apos;s lines are tiers 1 to {last}</source>
        <translation>阶梯电价的明细须为第 1 至 {last} 档</translation>
    </message>
    <message>
        <source>only a 阶梯 tariff has tiers, this is {kind}</source>
        <translation>只有阶梯电价分档，本电价为{kind}电价</translation>
    </message>
    <message>
        <source>only the tiers of a 阶梯 tariff have a limit</source>
        <translation>只有阶梯电价的各档才有档上限</translation>
    </message>
    <message>
        <source>only a 分时 tariff has 时间段</source>
        <translation>只有分时电价才有时间段</translation>
    </message>
    <message>
        <source>tier {tiers} is missing: tiers are 1 to {last} without a gap</source>
        <translation>缺少第 {tiers} 档：档位须从 1 至 {last} 连续</translation>
    </message>
    <message>
        <source>the last tier ({tier}) is open: no 档上限</source>
        <translation>最后一档（第 {tier} 档）不封顶：不填档上限</translation>
    </message>
    <message>
        <source>tier {tier} needs a 档上限 (only the last tier, {last}, is open)</source>
        <translation>第 {tier} 档须填档上限（仅最后一档即第 {last} 档不封顶）</translation>
    </message>
    <message>
        <source>{limit} kWh is not above tier {tier}&apos;s {floor} kWh (row {row})</source>
        <translation>{limit} kWh 未高于第 {tier} 档的 {floor} kWh（第 {row} 行）</translation>
    </message>
    <message>
        <source>a 分时 tariff needs 时间段 that cover the whole day (00:00-24:00)</source>
        <translation>分时电价须填写覆盖全天（00:00-24:00）的时间段</translation>
    </message>
    <message>
        <source>nothing covers {gap}: the 时间段 of a 分时 tariff cover the whole day exactly once</source>
        <translation>{gap} 未被任何时间段覆盖：分时电价的时间段须覆盖全天且互不重叠</translation>
    </message>
    <message>
        <source>{overlap} is also in {window} of row {row}</source>
        <translation>{overlap} 与第 {row} 行的 {window} 重叠</translation>
    </message>
    <message>
        <source>more than {limit} kWh</source>
        <translation>超过 {limit} kWh</translation>
    </message>
    <message>
        <source>more than {n} decimals</source>
        <translation>小数超过 {n} 位</translation>
    </message>
    <message>
        <source>must be between {low} and {high}{unit}</source>
        <translation>应在 {low} 到 {high}{unit} 之间</translation>
    </message>
    <message>
        <source>must be between {low} and {high} degrees</source>
        <translation>应在 {low} 到 {high} 度之间</translation>
    </message>
    <message>
        <source>the nameplate ratio must divide to a whole number (e.g. 200/5)</source>
        <translation>铭牌变比须能整除（如 200/5）</translation>
    </message>
    <message>
        <source>must be a whole number or a nameplate ratio like 200/5</source>
        <translation>应为整数或铭牌变比，如 200/5</translation>
    </message>
    <message>
        <source>must be 1 or more</source>
        <translation>应不小于 1</translation>
    </message>
    <message>
        <source>no such date {date}</source>
        <translation>日期 {date} 不存在</translation>
    </message>
    <message>
        <source>expected a date like 2026-11-21</source>
        <translation>应为日期，如 2026-11-21</translation>
    </message>
    <message>
        <source>expected a date without a time, like 2026-11-21</source>
        <translation>应为不含时间的日期，如 2026-11-21</translation>
    </message>
    <message>
        <source>expected a date and time like 2026-11-21 00:15:08</source>
        <translation>应为日期和时间，如 2026-11-21 00:15:08</translation>
    </message>
    <message>
        <source>no such time {time}</source>
        <translation>时间 {time} 不存在</translation>
    </message>
    <message>
        <source>unknown value (expected {expected})</source>
        <translation>未知的值（应为 {expected}）</translation>
    </message>
    <message>
        <source>expected 是/否 (yes/no, 1/0)</source>
        <translation>应为 是/否（yes/no、1/0）</translation>
    </message>
    <message>
        <source>expected a phone number (digits, spaces, + - and brackets)</source>
        <translation>应为电话号码（数字、空格、+、- 和括号）</translation>
    </message>
    <message>
        <source>not on a quarter hour (curve points are at :00, :15, :30 and :45)</source>
        <translation>不在整刻钟上（曲线点应在 :00、:15、:30、:45）</translation>
    </message>
    <message>
        <source>the file is empty: no header row</source>
        <translation>文件为空：没有表头行</translation>
    </message>
    <message>
        <source>the file has a header but no rows</source>
        <translation>文件只有表头，没有数据行</translation>
    </message>
    <message>
        <source>{path}: starts with a UTF-8 byte-order mark but byte {byte} at offset {offset} is not UTF-8</source>
        <translation>{path}：以 UTF-8 字节序标记开头，但偏移 {offset} 处的字节 {byte} 不是 UTF-8</translation>
    </message>
    <message>
        <source>{path}: is UTF-16 text (Excel&apos;s &apos;Unicode text&apos;); save it as &apos;CSV UTF-8&apos; or .xlsx</source>
        <translation>{path}：是 UTF-16 文本（Excel 的“Unicode 文本”）；请另存为“CSV UTF-8”或 .xlsx</translation>
    </message>
    <message>
        <source>{path}: cannot be decoded: not UTF-8 (byte {utf8} at offset {utf8_offset}) and not GBK/GB18030 (byte {gb} at offset {gb_offset}); save it as &apos;CSV UTF-8&apos; or .xlsx</source>
        <translation>{path}：无法解码：不是 UTF-8（偏移 {utf8_offset} 处的字节 {utf8}），也不是 GBK/GB18030（偏移 {gb_offset} 处的字节 {gb}）；请另存为“CSV UTF-8”或 .xlsx</translation>
    </message>
    <message>
        <source>UTF-8 with BOM</source>
        <translation>UTF-8（带字节序标记）</translation>
    </message>
    <message>
        <source>{path}: no such file</source>
        <translation>{path}：文件不存在</translation>
    </message>
    <message>
        <source>{path}: the old .xls format is not read; save it as .xlsx</source>
        <translation>{path}：不支持旧的 .xls 格式；请另存为 .xlsx</translation>
    </message>
    <message>
        <source>--sheet {sheet}: {path} is not an Excel workbook</source>
        <translation>--sheet {sheet}：{path} 不是 Excel 工作簿</translation>
    </message>
    <message>
        <source>Excel, sheet {sheet}</source>
        <translation>Excel，工作表 {sheet}</translation>
    </message>
    <message>
        <source>CSV, {encoding}, tab-separated</source>
        <translation>CSV，{encoding}，制表符分隔</translation>
    </message>
    <message>
        <source>CSV, {encoding}</source>
        <translation>CSV，{encoding}</translation>
    </message>
    <message>
        <source>{path}: not a readable CSV file: {reason}</source>
        <translation>{path}：不是可读的 CSV 文件：{reason}</translation>
    </message>
    <message>
        <source>{path}: not a readable .xlsx workbook: {reason}</source>
        <translation>{path}：不是可读的 .xlsx 工作簿：{reason}</translation>
    </message>
    <message>
        <source>{path}: no sheet {sheet} (sheets: {names})</source>
        <translation>{path}：没有工作表 {sheet}（现有工作表：{names}）</translation>
    </message>
    <message>
        <source>cannot write the report {path}: {reason}</source>
        <translation>无法写入问题行报告 {path}：{reason}</translation>
    </message>
    <message>
        <source>{valid_to} is not after 生效日期 {valid_from} (失效日期 is the first day the price no longer applies)</source>
        <translation>失效日期 {valid_to} 不晚于生效日期 {valid_from}（失效日期为电价停止执行的第一天）</translation>
    </message>
    <message>
        <source>{period} 第{tier}档 of 电价 {code} from {valid_from}</source>
        <translation>电价 {code}（{valid_from} 起）{period}第{tier}档</translation>
    </message>
    <message>
        <source>{period} of 电价 {code} from {valid_from}</source>
        <translation>电价 {code}（{valid_from} 起）{period}时段</translation>
    </message>
    <message>
        <source>电价 {code} is {here} here, not {there} as on row {row}</source>
        <translation>电价 {code} 此处为 {here}，与第 {row} 行的 {there} 不一致</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>the prices of 电价 {code} from {valid_from} have 失效日期 {here} here, not {there} as on row {row}</source>
        <translation>电价 {code}（{valid_from} 起）的失效日期此处为 {here}，与第 {row} 行的 {there} 不一致</translation>
    </message>
    <message>
        <source>{count} {customer_class}</source>
        <translation>{count} 户{customer_class}</translation>
    </message>
    <message>
        <source>电价 {code} is the tariff of {held} customers: give them another first</source>
        <translation>电价 {code} 仍有 {held}用户在用：请先为这些用户改用其他电价</translation>
    </message>
    <message>
        <source>电价 {code} is stored as {kind} with prices from {dates} that this file does not replace: a tariff keeps its type (replace those prices too, or give the new one another 电价代码)</source>
        <translation>电价 {code} 已存档为{kind}电价，其 {dates} 起的电价未被本文件替换：电价类型不可变更（请一并替换这些电价，或为新电价另设电价代码）</translation>
    </message>
    <message>
        <source>the prices from {start} must end by {after}, when the prices from {after} start (失效日期 {after})</source>
        <translation>{start} 起的电价最迟须于 {after} 失效：{after} 起的电价自该日执行（失效日期填 {after}）</translation>
    </message>
    <message>
        <source>the prices from {start} must end by {after}, when the stored prices from {after} start (失效日期 {after})</source>
        <translation>{start} 起的电价最迟须于 {after} 失效：已存档的 {after} 起电价自该日执行（失效日期填 {after}）</translation>
    </message>
    <message>
        <source>the stored prices of 电价 {code} from {start} run until {end}: add them to this file with 失效日期 {after}</source>
        <translation>已存档的电价 {code}（{start} 起）失效日期为 {end}：请将其加入本文件，失效日期填 {after}</translation>
    </message>
    <message>
        <source>the stored prices of 电价 {code} from {start} run without 失效日期: add them to this file with 失效日期 {after}</source>
        <translation>已存档的电价 {code}（{start} 起）未设失效日期：请将其加入本文件，失效日期填 {after}</translation>
    </message>
    <message>
        <source>the prices of 电价 {code} from {valid_from} are stored together: row {row} is invalid</source>
        <translation>电价 {code}（{valid_from} 起）的各条电价须一并入库：第 {row} 行无效</translation>
    </message>
    <message>
        <source>the prices of 电价 {code} from {valid_from} are stored together: rows {rows} are invalid</source>
        <translation>电价 {code}（{valid_from} 起）的各条电价须一并入库：第 {rows} 行无效</translation>
    </message>
</context>
<context>
    <name>ArchiveImport</name>
    <message>
        <source>Transformer areas</source>
        <translation>台区档案</translation>
    </message>
    <message>
        <source>Concentrators</source>
        <translation>集中器档案</translation>
    </message>
    <message>
        <source>Tariffs</source>
        <translation>电价表</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>客户档案</translation>
    </message>
    <message>
        <source>Meters</source>
        <translation>计量档案</translation>
    </message>
    <message>
        <source>Daily freezes</source>
        <translation>日冻结</translation>
    </message>
    <message>
        <source>Load curves</source>
        <translation>负荷曲线</translation>
    </message>
    <message>
        <source>Meter events</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>One row per transformer area with its supply station, substation and feeder; the units not in the database yet are created. Import it first.</source>
        <translation>每行一个台区，含所属供电所、变电站和线路；库中没有的单位会自动创建。请最先导入。</translation>
    </message>
    <message>
        <source>Concentrators with their transformer area and Q/GDW 1376.1 address; the areas must be imported already.</source>
        <translation>集中器及其所在台区和 Q/GDW 1376.1 地址；须先导入台区档案。</translation>
    </message>
    <message>
        <source>Electricity prices by tariff code and validity: flat, time-of-use periods with their hours, residential tiers; import them before the customers that use them.</source>
        <translation>按电价代码和生效期的电价：单一制、峰谷时段及其时间、居民阶梯；须在使用它们的客户档案之前导入。</translation>
    </message>
    <message>
        <source>Customers by account number, with their class, tariff and transformer area.</source>
        <translation>按户号导入客户，含用电类别、电价和所在台区。</translation>
    </message>
    <message>
        <source>Meters by asset number, with their customer, concentrator and meter box; import the customers first.</source>
        <translation>按表计资产号导入电能表，含所属客户、集中器和表箱；须先导入客户档案。</translation>
    </message>
    <message>
        <source>Daily freeze registers (kWh) of each meter and day; import the meters first.</source>
        <translation>每块表每天的日冻结电量（kWh）；须先导入计量档案。</translation>
    </message>
    <message>
        <source>15-minute load curve points (power, voltage, current) of each meter; import the meters first.</source>
        <translation>每块表的 15 分钟负荷曲线点（功率、电压、电流）；须先导入计量档案。</translation>
    </message>
    <message>
        <source>Meter events (power off, cover open …) with their start and end; import the meters first.</source>
        <translation>电能表事件（掉电、开盖……）及其发生和结束时间；须先导入计量档案。</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>读取中</translation>
    </message>
    <message>
        <source>Checking</source>
        <translation>校验中</translation>
    </message>
    <message>
        <source>Storing</source>
        <translation>保存中</translation>
    </message>
    <message>
        <source>Writing the rejected rows</source>
        <translation>写入拒绝行报告</translation>
    </message>
    <message>
        <source>Committing</source>
        <translation>提交中</translation>
    </message>
    <message>
        <source>companies</source>
        <translation>个市公司</translation>
    </message>
    <message>
        <source>counties</source>
        <translation>个县公司</translation>
    </message>
    <message>
        <source>supply stations</source>
        <translation>个供电所</translation>
    </message>
    <message>
        <source>substations</source>
        <translation>座变电站</translation>
    </message>
    <message>
        <source>feeders</source>
        <translation>条线路</translation>
    </message>
    <message>
        <source>{n} price lines removed</source>
        <translation>删除电价明细 {n} 条</translation>
    </message>
    <message>
        <source>Only administrators import the archive: sign in as one to import.</source>
        <translation>只有管理员可以导入档案：请以管理员身份登录后导入。</translation>
    </message>
    <message>
        <source>Cancelled: nothing was stored.</source>
        <translation>已取消：未保存任何数据。</translation>
    </message>
    <message>
        <source>The file has a header but no rows; nothing was stored.</source>
        <translation>文件只有表头没有数据行；未保存任何数据。</translation>
    </message>
    <message>
        <source>The header does not fit {kind}; nothing was stored: {detail}</source>
        <translation>表头与{kind}不符，未保存任何数据：{detail}</translation>
    </message>
    <message>
        <source>The file cannot be read; nothing was stored: {detail}</source>
        <translation>无法读取文件，未保存任何数据：{detail}</translation>
    </message>
    <message>
        <source>The rejected-rows report cannot be written; nothing was stored: {detail}</source>
        <translation>无法写入拒绝行报告，未保存任何数据：{detail}</translation>
    </message>
    <message>
        <source>The database refused the import; nothing was stored: {detail}</source>
        <translation>数据库拒绝了本次导入，未保存任何数据：{detail}</translation>
    </message>
</context>
<context>
    <name>ArchiveImportPanel</name>
    <message>
        <source>Import order: {order}</source>
        <translation>导入顺序：{order}</translation>
    </message>
    <message>
        <source>A CSV or Excel file (its encoding is found by itself)</source>
        <translation>CSV 或 Excel 文件（自动识别编码）</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>The first sheet</source>
        <translation>第一个工作表</translation>
    </message>
    <message>
        <source>Store the valid rows, report the rest</source>
        <translation>保存有效行，其余写入报告</translation>
    </message>
    <message>
        <source>Without it, nothing is stored while any row is invalid.</source>
        <translation>不勾选时，只要有一行无效就不保存任何数据。</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Sheet:</source>
        <translation>工作表：</translation>
    </message>
    <message>
        <source>Read as:</source>
        <translation>文件格式：</translation>
    </message>
    <message>
        <source>Columns:</source>
        <translation>列：</translation>
    </message>
    <message>
        <source>Rows read:</source>
        <translation>读取行数：</translation>
    </message>
    <message>
        <source>Stored:</source>
        <translation>已保存：</translation>
    </message>
    <message>
        <source>Rejected:</source>
        <translation>已拒绝：</translation>
    </message>
    <message>
        <source>Created / removed:</source>
        <translation>新建/删除：</translation>
    </message>
    <message>
        <source>Open its folder</source>
        <translation>打开所在文件夹</translation>
    </message>
    <message>
        <source>Rejected rows:</source>
        <translation>拒绝行报告：</translation>
    </message>
    <message>
        <source>Choose the file to import</source>
        <translation>选择要导入的文件</translation>
    </message>
    <message>
        <source>Import files (*.csv *.xlsx *.xlsm);;All files (*)</source>
        <translation>导入文件 (*.csv *.xlsx *.xlsm);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>{phase}… {rows} rows read</source>
        <translation>{phase}… 已读取 {rows} 行</translation>
    </message>
    <message>
        <source>{n} known columns</source>
        <translation>识别 {n} 列</translation>
    </message>
    <message>
        <source>{path} ({n} rows with their reasons)</source>
        <translation>{path}（{n} 行及其原因）</translation>
    </message>
    <message>
        <source>(whole row)</source>
        <translation>（整行）</translation>
    </message>
    <message>
        <source>The first {shown} of {total} problems are shown; the report has them all.</source>
        <translation>共 {total} 个问题，仅显示前 {shown} 个；报告中列出全部。</translation>
    </message>
    <message>
        <source>Nothing stored from {file}: {bad} of {rows} rows are invalid.</source>
        <translation>{file} 未保存任何数据：{rows} 行中有 {bad} 行无效。</translation>
    </message>
    <message>
        <source>Fix them, or store the {valid} valid rows with &apos;Store the valid rows, report the rest&apos;.</source>
        <translation>请修正后重新导入，或勾选“保存有效行，其余写入报告”保存其余 {valid} 行有效数据。</translation>
    </message>
    <message>
        <source>{sentence} {advice}</source>
        <translation>{sentence}{advice}</translation>
    </message>
    <message>
        <source>{file}: {stored} rows stored, {bad} rejected ({s} s).</source>
        <translation>{file}：已保存 {stored} 行，拒绝 {bad} 行（{s} 秒）。</translation>
    </message>
    <message>
        <source>{file}: every row stored, {stored} rows ({s} s).</source>
        <translation>{file}：全部保存，共 {stored} 行（{s} 秒）。</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <source>{stored} ({new} new, {updated} updated, {unchanged} unchanged)</source>
        <translation>{stored} 行（新增 {new}，更新 {updated}，未变 {unchanged}）</translation>
    </message>
    <message>
        <source>{n} {what}</source>
        <translation>{n} {what}</translation>
    </message>
    <message>
        <source>{n} meter boxes</source>
        <translation>{n} 个表箱</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
</context>
<context>
    <name>AuditActions</name>
    <message>
        <source>Signed in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Sign-in refused</source>
        <translation>登录被拒</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>User added</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>User disabled</source>
        <translation>停用用户</translation>
    </message>
    <message>
        <source>User enabled</source>
        <translation>启用用户</translation>
    </message>
    <message>
        <source>Password reset</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <source>Password changed</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <source>Job run now</source>
        <translation>立即执行作业</translation>
    </message>
    <message>
        <source>Job cancelled</source>
        <translation>取消作业</translation>
    </message>
    <message>
        <source>Schedule changed</source>
        <translation>修改采集计划</translation>
    </message>
    <message>
        <source>Thresholds changed</source>
        <translation>修改阈值</translation>
    </message>
    <message>
        <source>Database backed up</source>
        <translation>备份数据库</translation>
    </message>
    <message>
        <source>Database restored</source>
        <translation>恢复数据库</translation>
    </message>
    <message>
        <source>Archive imported</source>
        <translation>导入档案</translation>
    </message>
    <message>
        <source>user</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>job</source>
        <translation>作业</translation>
    </message>
    <message>
        <source>configuration</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>thresholds version</source>
        <translation>阈值版本</translation>
    </message>
    <message>
        <source>database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>import</source>
        <translation>导入</translation>
    </message>
</context>
<context>
    <name>AuditPanel</name>
    <message>
        <source>login, job, threshold, …</source>
        <translation>登录名、作业、阈值……</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>到</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>工作站</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>修改前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>修改后</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>No entry matches: widen the time or clear a filter.</source>
        <translation>没有符合条件的记录：请放宽时间范围或清除筛选条件。</translation>
    </message>
    <message>
        <source>The newest {n} entries are shown: narrow the filter for older ones.</source>
        <translation>仅显示最新的 {n} 条记录；缩小筛选范围可查看更早的记录。</translation>
    </message>
    <message>
        <source>{n} entries</source>
        <translation>{n} 条记录</translation>
    </message>
    <message>
        <source>Export the audit log</source>
        <translation>导出审计日志</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV (*.csv)</translation>
    </message>
</context>
<context>
    <name>Collection</name>
    <message>
        <source>read</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>timeout</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>garbled reply</source>
        <translation>报文错误</translation>
    </message>
    <message>
        <source>link failure</source>
        <translation>通道故障</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Via the concentrator (AFN 0C)</source>
        <translation>经集中器 (AFN 0C)</translation>
    </message>
    <message>
        <source>Forwarded to the meter (AFN 10)</source>
        <translation>集中器透明转发 (AFN 10)</translation>
    </message>
    <message>
        <source>The meter&apos;s own link</source>
        <translation>电表本地通道</translation>
    </message>
    <message>
        <source>The concentrator&apos;s latest data of the meter (AFN 0C F129 and F25)</source>
        <translation>集中器中该表的最新数据（AFN 0C F129 与 F25）</translation>
    </message>
    <message>
        <source>The concentrator forwards a DL/T 645 read to the meter and its reply back (AFN 10 F1)</source>
        <translation>由集中器把 DL/T 645 抄读报文转发给电表并带回应答（AFN 10 F1）</translation>
    </message>
    <message>
        <source>The meter&apos;s own RS-485, optical or converter link, without a concentrator</source>
        <translation>不经集中器，使用电表自己的 RS-485、光口或转换器通道</translation>
    </message>
    <message>
        <source>Forward active energy</source>
        <translation>正向有功电能</translation>
    </message>
    <message>
        <source>Active power</source>
        <translation>有功功率</translation>
    </message>
    <message>
        <source>Reactive power</source>
        <translation>无功功率</translation>
    </message>
    <message>
        <source>Apparent power</source>
        <translation>视在功率</translation>
    </message>
    <message>
        <source>Voltage</source>
        <translation>电压</translation>
    </message>
    <message>
        <source>Current</source>
        <translation>电流</translation>
    </message>
    <message>
        <source>Neutral current</source>
        <translation>零序电流</translation>
    </message>
    <message>
        <source>Power factor</source>
        <translation>功率因数</translation>
    </message>
    <message>
        <source>Read at</source>
        <translation>抄表时间</translation>
    </message>
    <message>
        <source>total</source>
        <translation>总</translation>
    </message>
    <message>
        <source>tariff 1 (peak)</source>
        <translation>尖</translation>
    </message>
    <message>
        <source>tariff 2 (high)</source>
        <translation>峰</translation>
    </message>
    <message>
        <source>tariff 3 (flat)</source>
        <translation>平</translation>
    </message>
    <message>
        <source>tariff 4 (valley)</source>
        <translation>谷</translation>
    </message>
    <message>
        <source>phase A</source>
        <translation>A相</translation>
    </message>
    <message>
        <source>phase B</source>
        <translation>B相</translation>
    </message>
    <message>
        <source>phase C</source>
        <translation>C相</translation>
    </message>
    <message>
        <source>↑ up</source>
        <translation>↑ 上行</translation>
    </message>
    <message>
        <source>↓ down</source>
        <translation>↓ 下行</translation>
    </message>
    <message>
        <source>the port is taken by another program</source>
        <translation>端口已被其他程序占用</translation>
    </message>
    <message>
        <source>this user may not open the port</source>
        <translation>当前用户无权使用该端口</translation>
    </message>
    <message>
        <source>this computer has no such address</source>
        <translation>本机没有这个地址</translation>
    </message>
    <message>
        <source>{name} ({part})</source>
        <translation>{name}（{part}）</translation>
    </message>
    <message>
        <source>The concentrator front end is turned off in this installation ([frontend] enabled = false): concentrators do not log in, and reads through them and the message monitor are unavailable. Meters on their own links are still collected.</source>
        <translation>本系统未启用集中器前置机（[frontend] 节 enabled = false）：集中器不会登录，经集中器点抄和报文监视不可用。本地通道上的电表仍照常采集。</translation>
    </message>
    <message>
        <source>see the log</source>
        <translation>原因见日志</translation>
    </message>
    <message>
        <source>The concentrator front end is not listening{where}: {why}. Concentrators cannot log in; reads through them and the message monitor are unavailable until it is restarted.</source>
        <translation>集中器前置机未能监听{where}：{why}。集中器无法登录；在前置机重新启动之前，经集中器点抄和报文监视不可用。</translation>
    </message>
    <message>
        <source> on {address}</source>
        <translation>（{address}）</translation>
    </message>
</context>
<context>
    <name>CollectionTiles</name>
    <message>
        <source>Collection success</source>
        <translation>采集成功率</translation>
    </message>
    <message>
        <source>Meters read / due</source>
        <translation>实采 / 应采</translation>
    </message>
    <message>
        <source>meters</source>
        <translation>只</translation>
    </message>
    <message>
        <source>Unread meters</source>
        <translation>未采电表</translation>
    </message>
    <message>
        <source>Concentrators online</source>
        <translation>集中器在线</translation>
    </message>
    <message>
        <source>units</source>
        <translation>台</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>No meter is due to be read in this scope.</source>
        <translation>该范围内没有应采电表。</translation>
    </message>
    <message>
        <source>Target {target} % met</source>
        <translation>已达到目标 {target} %</translation>
    </message>
    <message>
        <source>{n} meters short of the {target} % target</source>
        <translation>距目标 {target} % 还差 {n} 只电表</translation>
    </message>
    <message>
        <source>Meters with a daily freeze of {day} / meters due</source>
        <translation>已采到 {day} 日冻结的电表 / 应采电表</translation>
    </message>
    <message>
        <source>Every meter due has its daily freeze of {day}</source>
        <translation>应采电表均已采到 {day} 日冻结</translation>
    </message>
    <message>
        <source>No valid daily freeze of {day}</source>
        <translation>缺少 {day} 的有效日冻结</translation>
    </message>
    <message>
        <source>No concentrator in this scope.</source>
        <translation>该范围内没有集中器。</translation>
    </message>
    <message>
        <source>All logged in and sending heartbeats</source>
        <translation>全部已登录，心跳正常</translation>
    </message>
    <message>
        <source>{n} offline: not logged in, or their heartbeats stopped</source>
        <translation>{n} 台离线：未登录或心跳中断</translation>
    </message>
</context>
<context>
    <name>CollectionView</name>
    <message>
        <source>Collection monitor</source>
        <translation>采集监控</translation>
    </message>
    <message>
        <source>Message monitor</source>
        <translation>报文监视</translation>
    </message>
    <message>
        <source>Show the live frames on the concentrators&apos; links</source>
        <translation>显示集中器通道上的实时报文</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>The figures could not be read</source>
        <translation>无法读取采集指标</translation>
    </message>
    <message>
        <source>Not available</source>
        <translation>暂无数据</translation>
    </message>
    <message>
        <source>Cannot ask whether the concentrator front end listens: {error}</source>
        <translation>无法查询集中器前置机是否在监听：{error}</translation>
    </message>
    <message>
        <source>Success rate, last 30 days</source>
        <translation>近 30 天采集成功率</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Cannot read the collection figures: {error}</source>
        <translation>无法读取采集指标：{error}</translation>
    </message>
    <message>
        <source>{scope} · daily freeze of {day} · as of {time}</source>
        <translation>{scope} · {day} 日冻结 · 数据截至 {time}</translation>
    </message>
    <message>
        <source>Asking the front end whether it listens…</source>
        <translation>正在查询前置机是否在监听…</translation>
    </message>
    <message>
        <source>Collection jobs</source>
        <translation>采集任务</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
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
        <source>Demo accounts: admin (administrator), diaodu (dispatcher), banzhang (supervisor), jingli (台区经理), chakan (read-only); password {password}</source>
        <translation>演示账号：admin（管理员）、diaodu（调度员）、banzhang（班长）、jingli（台区经理）、chakan（只读），密码均为 {password}</translation>
    </message>
    <message>
        <source>{name} · {role}</source>
        <translation>{name} · {role}</translation>
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
    <name>DeviceTreeModel</name>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Unread</source>
        <translation>未采</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>the counties</source>
        <translation>县公司列表</translation>
    </message>
    <message>
        <source>Cannot load the devices under {name}: {error}</source>
        <translation>无法加载 {name} 下的设备：{error}</translation>
    </message>
    <message>
        <source>Online · heartbeat {time}</source>
        <translation>在线 · 心跳 {time}</translation>
    </message>
    <message>
        <source>Online {time}</source>
        <translation>在线 {time}</translation>
    </message>
    <message>
        <source>Offline · last heartbeat {time}</source>
        <translation>离线 · 最后心跳 {time}</translation>
    </message>
    <message>
        <source>Offline {time}</source>
        <translation>离线 {time}</translation>
    </message>
    <message>
        <source>Read {time}</source>
        <translation>成功 {time}</translation>
    </message>
    <message>
        <source>Last attempt {time}: read</source>
        <translation>最近一次采集 {time}：成功</translation>
    </message>
    <message>
        <source>Failed {time}</source>
        <translation>失败 {time}</translation>
    </message>
    <message>
        <source>Last attempt {time}: failed</source>
        <translation>最近一次采集 {time}：失败</translation>
    </message>
    <message>
        <source>Not read yet</source>
        <translation>尚未采集</translation>
    </message>
    <message>
        <source>{n} meters without a daily freeze of the day</source>
        <translation>{n} 只电表缺少当日日冻结</translation>
    </message>
</context>
<context>
    <name>DrillDownDialog</name>
    <message>
        <source>Unread meters — {name}</source>
        <translation>未采电表 — {name}</translation>
    </message>
    <message>
        <source>Loading the unread meters of {name}…</source>
        <translation>正在加载 {name} 的未采电表…</translation>
    </message>
    <message>
        <source>{name} ({area}): {n} unread meters, together −{cost} (0.01 %). Most common reason: {reason}</source>
        <translation>{name}（{area}）：{n} 只未采电表，合计影响 −{cost} (0.01%)。最常见原因：{reason}</translation>
    </message>
    <message>
        <source>Cannot load the unread meters of {name}: {error}</source>
        <translation>无法加载 {name} 的未采电表：{error}</translation>
    </message>
</context>
<context>
    <name>Failures</name>
    <message>
        <source>no answer in time</source>
        <translation>等待应答超时</translation>
    </message>
    <message>
        <source>not permitted</source>
        <translation>没有权限</translation>
    </message>
    <message>
        <source>the collection service could not be reached</source>
        <translation>无法连接采集服务</translation>
    </message>
    <message>
        <source>a file or port could not be used</source>
        <translation>文件或端口无法使用</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <source>a value was not accepted</source>
        <translation>有数值不被接受</translation>
    </message>
    <message>
        <source>an internal error</source>
        <translation>内部错误</translation>
    </message>
    <message>
        <source>{kind} (details in the log)</source>
        <translation>{kind}（详情见日志）</translation>
    </message>
</context>
<context>
    <name>FrameReport</name>
    <message>
        <source>protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>direction</source>
        <translation>传输方向</translation>
    </message>
    <message>
        <source>initiating station (PRM)</source>
        <translation>启动站 (PRM)</translation>
    </message>
    <message>
        <source>function</source>
        <translation>功能码</translation>
    </message>
    <message>
        <source>function name</source>
        <translation>功能</translation>
    </message>
    <message>
        <source>control</source>
        <translation>控制码</translation>
    </message>
    <message>
        <source>address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>district code</source>
        <translation>行政区划码</translation>
    </message>
    <message>
        <source>terminal address</source>
        <translation>终端地址</translation>
    </message>
    <message>
        <source>master station address</source>
        <translation>主站地址</translation>
    </message>
    <message>
        <source>group address</source>
        <translation>组地址</translation>
    </message>
    <message>
        <source>application function</source>
        <translation>应用层功能</translation>
    </message>
    <message>
        <source>sequence number</source>
        <translation>帧序号</translation>
    </message>
    <message>
        <source>event counters (EC)</source>
        <translation>事件计数器 (EC)</translation>
    </message>
    <message>
        <source>important events (EC1)</source>
        <translation>重要事件计数 (EC1)</translation>
    </message>
    <message>
        <source>normal events (EC2)</source>
        <translation>一般事件计数 (EC2)</translation>
    </message>
    <message>
        <source>message authentication (PW)</source>
        <translation>消息认证码 (PW)</translation>
    </message>
    <message>
        <source>time label (Tp)</source>
        <translation>时间标签 (Tp)</translation>
    </message>
    <message>
        <source>data units</source>
        <translation>数据单元</translation>
    </message>
    <message>
        <source>measurement point (Pn)</source>
        <translation>测量点 (Pn)</translation>
    </message>
    <message>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>every measurement point</source>
        <translation>全部测量点</translation>
    </message>
    <message>
        <source>forwarded meter frame</source>
        <translation>转发的电表报文</translation>
    </message>
    <message>
        <source>data units (hex)</source>
        <translation>数据单元（十六进制）</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>note</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>abnormal reply</source>
        <translation>异常应答</translation>
    </message>
    <message>
        <source>follow-up frame</source>
        <translation>有后续帧</translation>
    </message>
    <message>
        <source>data identifier (DI)</source>
        <translation>数据标识 (DI)</translation>
    </message>
    <message>
        <source>error status</source>
        <translation>错误信息字</translation>
    </message>
    <message>
        <source>errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>password level</source>
        <translation>密码权限</translation>
    </message>
    <message>
        <source>operator code</source>
        <translation>操作者代码</translation>
    </message>
    <message>
        <source>load records</source>
        <translation>负荷记录</translation>
    </message>
    <message>
        <source>time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>address type</source>
        <translation>地址类型</translation>
    </message>
    <message>
        <source>client address</source>
        <translation>客户机地址</translation>
    </message>
    <message>
        <source>logical address</source>
        <translation>逻辑地址</translation>
    </message>
    <message>
        <source>data item</source>
        <translation>数据项</translation>
    </message>
    <message>
        <source>acknowledgement</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>baud rate</source>
        <translation>波特率</translation>
    </message>
    <message>
        <source>command</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>enhanced mode</source>
        <translation>增强模式</translation>
    </message>
    <message>
        <source>identification</source>
        <translation>标识</translation>
    </message>
    <message>
        <source>manufacturer</source>
        <translation>制造商</translation>
    </message>
    <message>
        <source>message</source>
        <translation>报文</translation>
    </message>
    <message>
        <source>mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>protocol control</source>
        <translation>协议控制</translation>
    </message>
    <message>
        <source>readout</source>
        <translation>读出数据</translation>
    </message>
    <message>
        <source>terminal clock</source>
        <translation>终端时钟</translation>
    </message>
    <message>
        <source>day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>start</source>
        <translation>起始</translation>
    </message>
    <message>
        <source>freeze density</source>
        <translation>冻结密度</translation>
    </message>
    <message>
        <source>count</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>read at</source>
        <translation>抄表时间</translation>
    </message>
    <message>
        <source>tariffs</source>
        <translation>费率数</translation>
    </message>
    <message>
        <source>start pointer</source>
        <translation>起始指针</translation>
    </message>
    <message>
        <source>end pointer</source>
        <translation>结束指针</translation>
    </message>
    <message>
        <source>forward active energy (kWh)</source>
        <translation>正向有功电能示值 (kWh)</translation>
    </message>
    <message>
        <source>reverse active energy (kWh)</source>
        <translation>反向有功电能示值 (kWh)</translation>
    </message>
    <message>
        <source>forward reactive energy (kvarh)</source>
        <translation>正向无功电能示值 (kvarh)</translation>
    </message>
    <message>
        <source>quadrant I reactive energy (kvarh)</source>
        <translation>一象限无功电能示值 (kvarh)</translation>
    </message>
    <message>
        <source>quadrant II reactive energy (kvarh)</source>
        <translation>二象限无功电能示值 (kvarh)</translation>
    </message>
    <message>
        <source>quadrant III reactive energy (kvarh)</source>
        <translation>三象限无功电能示值 (kvarh)</translation>
    </message>
    <message>
        <source>quadrant IV reactive energy (kvarh)</source>
        <translation>四象限无功电能示值 (kvarh)</translation>
    </message>
    <message>
        <source>active power (kW)</source>
        <translation>有功功率 (kW)</translation>
    </message>
    <message>
        <source>reactive power (kvar)</source>
        <translation>无功功率 (kvar)</translation>
    </message>
    <message>
        <source>apparent power (kVA)</source>
        <translation>视在功率 (kVA)</translation>
    </message>
    <message>
        <source>power factor (%)</source>
        <translation>功率因数 (%)</translation>
    </message>
    <message>
        <source>voltage (V)</source>
        <translation>电压 (V)</translation>
    </message>
    <message>
        <source>current (A)</source>
        <translation>电流 (A)</translation>
    </message>
    <message>
        <source>neutral current (A)</source>
        <translation>零序电流 (A)</translation>
    </message>
    <message>
        <source>event records</source>
        <translation>事件记录</translation>
    </message>
    <message>
        <source>record (hex)</source>
        <translation>记录（十六进制）</translation>
    </message>
    <message>
        <source>occurred at</source>
        <translation>发生时间</translation>
    </message>
    <message>
        <source>phases</source>
        <translation>相别</translation>
    </message>
    <message>
        <source>kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>power off at</source>
        <translation>停电时间</translation>
    </message>
    <message>
        <source>power on at</source>
        <translation>上电时间</translation>
    </message>
    <message>
        <source>cover opened at</source>
        <translation>开盖时间</translation>
    </message>
    <message>
        <source>cover closed at</source>
        <translation>合盖时间</translation>
    </message>
    <message>
        <source>port</source>
        <translation>端口号</translation>
    </message>
    <message>
        <source>frame timeout (ms)</source>
        <translation>报文超时（毫秒）</translation>
    </message>
    <message>
        <source>byte timeout (ms)</source>
        <translation>字节超时（毫秒）</translation>
    </message>
    <message>
        <source>forwarded bytes</source>
        <translation>转发内容</translation>
    </message>
    <message>
        <source>curve points</source>
        <translation>曲线数据</translation>
    </message>
    <message>
        <source>meters</source>
        <translation>电能表</translation>
    </message>
    <message>
        <source>serial numbers</source>
        <translation>配置序号</translation>
    </message>
    <message>
        <source>serial number</source>
        <translation>配置序号</translation>
    </message>
    <message>
        <source>baud rate code</source>
        <translation>波特率代码</translation>
    </message>
    <message>
        <source>password</source>
        <translation>通信密码</translation>
    </message>
    <message>
        <source>decimal digits</source>
        <translation>小数位数</translation>
    </message>
    <message>
        <source>integer digits</source>
        <translation>整数位数</translation>
    </message>
    <message>
        <source>collector address</source>
        <translation>采集器地址</translation>
    </message>
    <message>
        <source>user class</source>
        <translation>用户大类号</translation>
    </message>
    <message>
        <source>user subclass</source>
        <translation>用户小类号</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>uplink</source>
        <translation>上行</translation>
    </message>
    <message>
        <source>downlink</source>
        <translation>下行</translation>
    </message>
    <message>
        <source>request</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>response</source>
        <translation>应答</translation>
    </message>
    <message>
        <source>read data</source>
        <translation>读数据</translation>
    </message>
    <message>
        <source>read follow-up data</source>
        <translation>读后续数据</translation>
    </message>
    <message>
        <source>read again</source>
        <translation>重读数据</translation>
    </message>
    <message>
        <source>read address</source>
        <translation>读通信地址</translation>
    </message>
    <message>
        <source>write data</source>
        <translation>写数据</translation>
    </message>
    <message>
        <source>write address</source>
        <translation>写通信地址</translation>
    </message>
    <message>
        <source>broadcast time</source>
        <translation>广播校时</translation>
    </message>
    <message>
        <source>freeze</source>
        <translation>冻结命令</translation>
    </message>
    <message>
        <source>change baud rate</source>
        <translation>更改通信速率</translation>
    </message>
    <message>
        <source>change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <source>clear demand</source>
        <translation>最大需量清零</translation>
    </message>
    <message>
        <source>clear meter</source>
        <translation>电表清零</translation>
    </message>
    <message>
        <source>clear events</source>
        <translation>事件清零</translation>
    </message>
    <message>
        <source>reset</source>
        <translation>复位</translation>
    </message>
    <message>
        <source>user data</source>
        <translation>用户数据</translation>
    </message>
    <message>
        <source>link test</source>
        <translation>链路测试</translation>
    </message>
    <message>
        <source>request class 1 data</source>
        <translation>请求1级数据</translation>
    </message>
    <message>
        <source>request class 2 data</source>
        <translation>请求2级数据</translation>
    </message>
    <message>
        <source>confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>user data response</source>
        <translation>以用户数据响应请求</translation>
    </message>
    <message>
        <source>deny: no requested data</source>
        <translation>否认：无所召唤的数据</translation>
    </message>
    <message>
        <source>link status</source>
        <translation>链路状态</translation>
    </message>
    <message>
        <source>communication address</source>
        <translation>通信地址</translation>
    </message>
    <message>
        <source>freeze time (mmhhDDMM)</source>
        <translation>冻结时间 (mmhhDDMM)</translation>
    </message>
    <message>
        <source>new password level</source>
        <translation>新密码权限</translation>
    </message>
    <message>
        <source>other error</source>
        <translation>其他错误</translation>
    </message>
    <message>
        <source>no requested data</source>
        <translation>无请求数据</translation>
    </message>
    <message>
        <source>password error or unauthorised</source>
        <translation>密码错/未授权</translation>
    </message>
    <message>
        <source>baud rate cannot be changed</source>
        <translation>通信速率不能更改</translation>
    </message>
    <message>
        <source>too many year time zones</source>
        <translation>年时区数超</translation>
    </message>
    <message>
        <source>too many daily periods</source>
        <translation>日时段数超</translation>
    </message>
    <message>
        <source>too many tariffs</source>
        <translation>费率数超</translation>
    </message>
    <message>
        <source>reserved</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>illegal data</source>
        <translation>非法数据</translation>
    </message>
    <message>
        <source>data identifier error</source>
        <translation>数据标识错</translation>
    </message>
    <message>
        <source>password error</source>
        <translation>密码错</translation>
    </message>
    <message>
        <source>checksum mismatch</source>
        <translation>校验和错误</translation>
    </message>
    <message>
        <source>wrong end byte</source>
        <translation>结束符错误</translation>
    </message>
    <message>
        <source>not a frame header</source>
        <translation>不是报文起始</translation>
    </message>
    <message>
        <source>frame cut short</source>
        <translation>报文不完整</translation>
    </message>
    <message>
        <source>impossible length</source>
        <translation>长度错误</translation>
    </message>
    <message>
        <source>a value is malformed</source>
        <translation>数据格式错误</translation>
    </message>
    <message>
        <source>not supported</source>
        <translation>不支持</translation>
    </message>
    <message>
        <source>{field} after closing</source>
        <translation>合盖后{field}</translation>
    </message>
    <message>
        <source>data units not decoded: {why}</source>
        <translation>数据单元无法解析：{why}</translation>
    </message>
    <message>
        <source>Cannot decode: {why}</source>
        <translation>无法解析：{why}</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>the data identifier is not in the standard&apos;s table</source>
        <translation>该数据标识不在标准的数据项表中</translation>
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
        <source>demo county</source>
        <translation>演示县</translation>
    </message>
    <message>
        <source>small</source>
        <translation>小型</translation>
    </message>
    <message>
        <source>large county</source>
        <translation>大县</translation>
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
    <name>MessageModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Bytes</source>
        <translation>字节</translation>
    </message>
    <message>
        <source>Frame (hex)</source>
        <translation>报文 (十六进制)</translation>
    </message>
    <message>
        <source>Decoded</source>
        <translation>解析</translation>
    </message>
</context>
<context>
    <name>MessageMonitor</name>
    <message>
        <source>Message monitor</source>
        <translation>报文监视</translation>
    </message>
    <message>
        <source>Filter by device: terminal address or remote</source>
        <translation>按设备筛选：终端地址或远端地址</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Select a frame to see it decoded in full.</source>
        <translation>选择一帧报文查看完整解析。</translation>
    </message>
    <message>
        <source>Cannot listen to the frames (details in the log).</source>
        <translation>无法监听报文（详情见日志）。</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source> · {n} not shown (they came faster than the table can show)</source>
        <translation> · {n} 帧未显示（到达速度超过表格显示速度）</translation>
    </message>
    <message>
        <source>Decoding…</source>
        <translation>正在解析…</translation>
    </message>
    <message>
        <source>{shown} of {total} frames</source>
        <translation>显示 {shown} 帧，共 {total} 帧</translation>
    </message>
    <message>
        <source> · paused, {waiting} waiting</source>
        <translation> · 已暂停，{waiting} 帧待显示</translation>
    </message>
    <message>
        <source>Device: {device} · remote: {remote} · {n} bytes</source>
        <translation>设备：{device} · 远端：{remote} · {n} 字节</translation>
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
        <source>Users</source>
        <translation>用户管理</translation>
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
        <source>No complete quarter hour in the last hour; the last one was {slot} ({kw} kW).</source>
        <translation>近 1 小时内没有完整的 15 分钟时段；最近一个是 {slot}（{kw} kW）。</translation>
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
    <name>RankingPanel</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>台区</source>
        <translation>台区</translation>
    </message>
    <message>
        <source>Unread meters</source>
        <translation>未采电表</translation>
    </message>
    <message>
        <source>Cost (0.01 %)</source>
        <translation>影响 (0.01%)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Failing since</source>
        <translation>失败起始日</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>天数</translation>
    </message>
    <message>
        <source>How much this device lowers the scope&apos;s success rate, in hundredths of a percentage point (−1.00 = −0.01 %)</source>
        <translation>该设备使本范围采集成功率降低的幅度，单位为 0.01 个百分点（−1.00 即降低 0.01%）</translation>
    </message>
    <message>
        <source>Consecutive failing days (≥: at least that many; traced back 90 days)</source>
        <translation>连续失败天数（≥：至少这么多天；最多回溯 90 天）</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Double-click a concentrator to see its unread meters</source>
        <translation>双击集中器查看其未采电表</translation>
    </message>
    <message>
        <source>Concentrators</source>
        <translation>集中器</translation>
    </message>
    <message>
        <source>Meters</source>
        <translation>电能表</translation>
    </message>
    <message>
        <source>Who drags the rate down</source>
        <translation>拉低成功率的设备</translation>
    </message>
    <message>
        <source>costliest first · double-click a concentrator for its unread meters</source>
        <translation>按影响从大到小排列 · 双击集中器查看其未采电表</translation>
    </message>
    <message>
        <source>Nothing drags the rate down: every meter due has its daily freeze.</source>
        <translation>没有拉低成功率的设备：应采电表均已采到日冻结。</translation>
    </message>
    <message>
        <source>Concentrators ({n})</source>
        <translation>集中器（{n}）</translation>
    </message>
    <message>
        <source>Meters ({n})</source>
        <translation>电能表（{n}）</translation>
    </message>
    <message>
        <source>No concentrator drags the rate down: the unread meters are read directly.</source>
        <translation>没有拉低成功率的集中器：未采电表均为直连采集。</translation>
    </message>
</context>
<context>
    <name>ReadBar</name>
    <message>
        <source>How the selected meter is read</source>
        <translation>所选电表的点抄方式</translation>
    </message>
    <message>
        <source>Read selected meter</source>
        <translation>点抄所选电表</translation>
    </message>
    <message>
        <source>Read whole 台区</source>
        <translation>点抄整个台区</translation>
    </message>
    <message>
        <source>On-demand read via</source>
        <translation>点抄方式</translation>
    </message>
    <message>
        <source>On-demand read failed: {error}</source>
        <translation>点抄失败：{error}</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>正在点抄…</translation>
    </message>
    <message>
        <source>Read {name} now</source>
        <translation>立即点抄 {name}</translation>
    </message>
    <message>
        <source>Select a meter in the tree or in the ranking first</source>
        <translation>请先在设备树或排名中选择一只电表</translation>
    </message>
    <message>
        <source>A whole 台区 is read through its concentrator: the front end is not up</source>
        <translation>整个台区须经集中器点抄，而前置机未在运行</translation>
    </message>
    <message>
        <source>Read every meter of {name} through its concentrator</source>
        <translation>经集中器点抄 {name} 的全部电表</translation>
    </message>
    <message>
        <source>Select a 台区, or a device in it, in the tree first</source>
        <translation>请先在设备树中选择一个台区或其下的设备</translation>
    </message>
</context>
<context>
    <name>ReadResultDialog</name>
    <message>
        <source>On-demand read</source>
        <translation>点抄结果</translation>
    </message>
    <message>
        <source>Meter</source>
        <translation>电能表</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Duration (ms)</source>
        <translation>耗时（毫秒）</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数据项</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>读数</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Bytes</source>
        <translation>字节</translation>
    </message>
    <message>
        <source>Frame (hex)</source>
        <translation>报文 (十六进制)</translation>
    </message>
    <message>
        <source>{n} meters read: {ok} answered, {failed} failed</source>
        <translation>点抄 {n} 只电表：{ok} 只应答，{failed} 只失败</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>已应答</translation>
    </message>
    <message>
        <source>Failed: {result}</source>
        <translation>失败：{result}</translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <source>Reset the password of {login}</source>
        <translation>重置 {login} 的密码</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The user must choose a new password at the next sign-in.</source>
        <translation>该用户下次登录时必须设置新密码。</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>New password again</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Dispatcher</source>
        <translation>调度员</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>班长/主任</translation>
    </message>
    <message>
        <source>台区 manager</source>
        <translation>台区经理</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>Read-only</source>
        <translation>只读</translation>
    </message>
</context>
<context>
    <name>ScheduleDialog</name>
    <message>
        <source>Collection schedule</source>
        <translation>采集计划</translation>
    </message>
    <message>
        <source>Collect 15-minute curves</source>
        <translation>采集 15 分钟曲线</translation>
    </message>
    <message>
        <source>Daily freeze: first pass at</source>
        <translation>日冻结首次采集时间</translation>
    </message>
    <message>
        <source>then re-try the missing every</source>
        <translation>之后每隔多久补采未采到的电表</translation>
    </message>
    <message>
        <source>until</source>
        <translation>补采截止时间</translation>
    </message>
    <message>
        <source>Poll events every</source>
        <translation>事件轮询间隔</translation>
    </message>
    <message>
        <source>Check clocks daily at</source>
        <translation>每日时钟检查时间</translation>
    </message>
    <message>
        <source>Saved to the configuration file ([schedule]); the jobs change at once. How far a clock may drift before it is set is a threshold (系统管理).</source>
        <translation>保存到配置文件（[schedule] 节），任务计划立即生效。时钟偏差多大时对时由阈值决定（系统管理）。</translation>
    </message>
    <message>
        <source>Not saved: {error}</source>
        <translation>未保存：{error}</translation>
    </message>
    <message>
        <source>Not saved: the value of “{field}” is not accepted.</source>
        <translation>未保存：“{field}”的值不被接受。</translation>
    </message>
    <message>
        <source>Not saved: a value is not accepted (details in the log).</source>
        <translation>未保存：有数值不被接受（详情见日志）。</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
</context>
<context>
    <name>ScheduleEditor</name>
    <message>
        <source>Schedule…</source>
        <translation>采集计划…</translation>
    </message>
    <message>
        <source>Change when the jobs run</source>
        <translation>修改各任务的执行时间</translation>
    </message>
    <message>
        <source>Cannot read the schedule: {error}</source>
        <translation>无法读取采集计划：{error}</translation>
    </message>
</context>
<context>
    <name>SignIn</name>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>The password must have at least 8 characters.</source>
        <translation>密码至少需要 8 个字符。</translation>
    </message>
    <message>
        <source>The password must contain letters and digits.</source>
        <translation>密码必须同时包含字母和数字。</translation>
    </message>
    <message>
        <source>The password must not contain the login name.</source>
        <translation>密码不能包含登录名。</translation>
    </message>
    <message>
        <source>The account is locked until {time} after too many wrong passwords. Wait, or ask an administrator to unlock it.</source>
        <translation>密码错误次数过多，账号已锁定至 {time}。请稍后再试，或请管理员解锁。</translation>
    </message>
    <message>
        <source>Wrong login name or password.</source>
        <translation>登录名或密码错误。</translation>
    </message>
    <message>
        <source>The new password must differ from the old one.</source>
        <translation>新密码不能与旧密码相同。</translation>
    </message>
    <message>
        <source>The old password is wrong.</source>
        <translation>旧密码错误。</translation>
    </message>
    <message>
        <source>The account could not be changed: {reason}</source>
        <translation>账号无法修改：{reason}</translation>
    </message>
    <message>
        <source>Cannot reach the accounts in the database: {error}</source>
        <translation>无法读取数据库中的账号：{error}</translation>
    </message>
    <message>
        <source>Locked: sign in again to go on</source>
        <translation>已锁定：请重新登录以继续</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Login name</source>
        <translation>登录名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>New password again</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <source>The window was locked after a time without use. Closing this signs out.</source>
        <translation>窗口因长时间未操作已锁定。关闭此对话框将退出登录。</translation>
    </message>
    <message>
        <source>Enter your login name and password.</source>
        <translation>请输入登录名和密码。</translation>
    </message>
    <message>
        <source>An administrator reset your password: choose a new one.</source>
        <translation>管理员已重置您的密码，请设置新密码。</translation>
    </message>
    <message>
        <source>The two new passwords differ.</source>
        <translation>两次输入的新密码不一致。</translation>
    </message>
    <message>
        <source>The first administrator</source>
        <translation>创建首个管理员</translation>
    </message>
    <message>
        <source>Create and sign in</source>
        <translation>创建并登录</translation>
    </message>
    <message>
        <source>This database has no users yet. Create the administrator&apos;s account: the administrator then adds the dispatchers and the other users with smc user add.</source>
        <translation>此数据库还没有用户。请创建管理员账号；之后由管理员用 smc user add 添加调度员和其他用户。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>A login name has 2 to 64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;.</source>
        <translation>登录名由 2 到 64 个字母、数字、“.”、“_”或“-”组成。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>SmcDb</name>
    <message>
        <source>{database}: {reason}</source>
        <translation>{database}：{reason}</translation>
    </message>
    <message>
        <source>smc db: error: {reason}</source>
        <translation>smc db：错误：{reason}</translation>
    </message>
    <message>
        <source>password of {login}: </source>
        <translation>{login} 的密码：</translation>
    </message>
    <message>
        <source>no password: set {variable} or run on a terminal</source>
        <translation>没有密码：请设置 {variable}，或在终端中运行</translation>
    </message>
    <message>
        <source>again: </source>
        <translation>再次输入：</translation>
    </message>
    <message>
        <source>the two passwords differ</source>
        <translation>两次输入的密码不一致</translation>
    </message>
    <message>
        <source>there is no database file at {path}</source>
        <translation>{path} 处没有数据库文件</translation>
    </message>
    <message>
        <source>{database} has no audit log yet (an older schema): open it with the console once to upgrade it</source>
        <translation>{database} 还没有审计日志（结构版本较旧）：请先用运营台打开一次以完成升级</translation>
    </message>
    <message>
        <source>the log has {n} entries but had {count} on {date}: entries were removed from its end</source>
        <translation>审计日志现有 {n} 条记录，但 {date} 时有 {count} 条：末尾的记录已被删除</translation>
    </message>
    <message>
        <source>entry {count} of the log is not the one noted on {date}: the log was rewritten since</source>
        <translation>审计日志第 {count} 条记录与 {date} 记下的不同：此后日志被改写过</translation>
    </message>
    <message>
        <source>it is the first entry but does not follow the genesis hash (64 zeros): entries before it were deleted</source>
        <translation>它是第一条记录，却未接在创世哈希（64 个 0）之后：此前的记录已被删除</translation>
    </message>
    <message>
        <source>its prev_hash does not match the hash of entry {previous} before it: an entry between them was deleted or inserted, entries were reordered, or entry {previous} was changed and hashed again</source>
        <translation>其 prev_hash 与前一条记录 {previous} 的哈希不符：两者之间有记录被删除或插入，记录顺序被调换，或记录 {previous} 被修改后重新计算了哈希</translation>
    </message>
    <message>
        <source>its entry_hash does not match its fields: a field (time, actor, workstation, action, object, before or after) was changed after it was written</source>
        <translation>其 entry_hash 与字段内容不符：某个字段（时间、操作人、工作站、操作、对象、修改前或修改后）在写入后被修改过</translation>
    </message>
    <message>
        <source>audit log of {database}: {problem}</source>
        <translation>{database} 的审计日志：{problem}</translation>
    </message>
    <message>
        <source>checkpoint: {path}</source>
        <translation>检查点：{path}</translation>
    </message>
    <message>
        <source>audit log of {database}: {n} entries checked, OK</source>
        <translation>{database} 的审计日志：已校验 {n} 条记录，完好</translation>
    </message>
    <message>
        <source>head: {hash}</source>
        <translation>链头哈希：{hash}</translation>
    </message>
    <message>
        <source>audit log of {database}: entry {id} is broken: {problem}</source>
        <translation>{database} 的审计日志：记录 {id} 已损坏：{problem}</translation>
    </message>
    <message>
        <source>entries intact before it: {n}</source>
        <translation>其之前完好的记录：{n} 条</translation>
    </message>
    <message>
        <source>{reason}: fix the file, or move it away (the next verification or backup starts a new one, and a log cut off before then is not seen)</source>
        <translation>{reason}：请修复该文件，或将其移走（下次校验或备份会重新建立检查点，但在此之前被截掉的日志将无法发现）</translation>
    </message>
    <message>
        <source>{database} has an older schema: open it with the console (or import into it) once to upgrade it, then export</source>
        <translation>{database} 的结构版本较旧：请先用运营台打开一次（或向其导入）以完成升级，再导出</translation>
    </message>
    <message>
        <source>{database} is shared and has accounts: sign in with --user NAME to export</source>
        <translation>{database} 为共享数据库且已有账号：请用 --user 用户名 登录后导出</translation>
    </message>
    <message>
        <source>{file}: {kind}, {rows} rows in {seconds} s</source>
        <translation>{file}：{kind}，{rows} 行，用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>{file}: {kind}, {rows} rows (the supply stations of {user}) in {seconds} s</source>
        <translation>{file}：{kind}，{rows} 行（{user} 所辖供电所），用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>--report {path}: that is the file being imported</source>
        <translation>--report {path}：这正是要导入的文件</translation>
    </message>
    <message>
        <source>this database has accounts: sign in with --user NAME to import {kind}</source>
        <translation>此数据库已有账号：请用 --user 用户名 登录后导入 {kind}</translation>
    </message>
    <message>
        <source>{file}: {reason}; nothing was stored</source>
        <translation>{file}：{reason}；未保存任何数据</translation>
    </message>
    <message>
        <source>{reason}; nothing was stored</source>
        <translation>{reason}；未保存任何数据</translation>
    </message>
    <message>
        <source>{database} refused the import, nothing was stored: {reason}</source>
        <translation>{database} 拒绝了本次导入，未保存任何数据：{reason}</translation>
    </message>
    <message>
        <source>{file}: {kind}, {source}, {n} columns</source>
        <translation>{file}：{kind}，{source}，{n} 列</translation>
    </message>
    <message>
        <source>  ... and {n} more</source>
        <translation>  …… 另有 {n} 个问题</translation>
    </message>
    <message>
        <source>rows read: {n}</source>
        <translation>读取行数：{n}</translation>
    </message>
    <message>
        <source>nothing stored: {bad} of {rows} rows are invalid; fix them, or store the {valid} valid rows with --skip-invalid</source>
        <translation>未保存任何数据：{rows} 行中有 {bad} 行无效；请修正，或用 --skip-invalid 保存其余 {valid} 行有效数据</translation>
    </message>
    <message>
        <source>nothing stored: {bad} of {rows} rows are invalid; fix them</source>
        <translation>未保存任何数据：{rows} 行中有 {bad} 行无效；请修正</translation>
    </message>
    <message>
        <source>stored: {stored} ({new} new, {updated} updated, {unchanged} unchanged)</source>
        <translation>已保存：{stored} 行（新增 {new}，更新 {updated}，未变 {unchanged}）</translation>
    </message>
    <message>
        <source>; 表箱 (meter boxes) created: {n}</source>
        <translation>；新建表箱：{n}</translation>
    </message>
    <message>
        <source>; {what} created: {n}</source>
        <translation>；新建{what}：{n}</translation>
    </message>
    <message>
        <source>; {what} removed: {n}</source>
        <translation>；删除{what}：{n}</translation>
    </message>
    <message>
        <source>{line} in {seconds} s</source>
        <translation>{line}，用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>rejected: {n}</source>
        <translation>拒收：{n} 行</translation>
    </message>
    <message>
        <source>report: {path} ({n} rows with their reasons)</source>
        <translation>问题行报告：{path}（{n} 行及其原因）</translation>
    </message>
    <message>
        <source>backup: {path}</source>
        <translation>备份：{path}</translation>
    </message>
    <message>
        <source>size: {bytes} bytes ({mib} MiB)</source>
        <translation>大小：{bytes} 字节（{mib} MiB）</translation>
    </message>
    <message>
        <source>integrity check: ok</source>
        <translation>完整性检查：正常</translation>
    </message>
    <message>
        <source>restoring replaces the database {path}; pass --yes to confirm (standard input is not a terminal to ask on)</source>
        <translation>恢复将替换数据库 {path}；请加 --yes 确认（标准输入不是终端，无法询问）</translation>
    </message>
    <message>
        <source>Replace the database {path} with {source}?</source>
        <translation>用 {source} 替换数据库 {path}？</translation>
    </message>
    <message>
        <source>The current database is kept in {directory} first. [y/N] </source>
        <translation>当前数据库会先保存到 {directory}。[y/N] </translation>
    </message>
    <message>
        <source>nothing was restored</source>
        <translation>未进行恢复</translation>
    </message>
    <message>
        <source>this database has accounts: sign in with --user NAME to restore a backup</source>
        <translation>此数据库已有账号：请用 --user 用户名 登录后恢复备份</translation>
    </message>
    <message>
        <source>{reason}; nothing was restored</source>
        <translation>{reason}；未进行恢复</translation>
    </message>
    <message>
        <source>restored: {source} -&gt; {path} (schema revision {revision})</source>
        <translation>已恢复：{source} -&gt; {path}（结构版本 {revision}）</translation>
    </message>
    <message>
        <source>the previous database is kept as {path}</source>
        <translation>原数据库已保存为 {path}</translation>
    </message>
    <message>
        <source>schema revision {revision} is older than this program&apos;s {head}: the console upgrades it when it next opens the database</source>
        <translation>结构版本 {revision} 早于本程序的 {head}：运营台下次打开该数据库时会自动升级</translation>
    </message>
    <message>
        <source>a PostgreSQL server checks its own storage; pg_amcheck checks its indexes</source>
        <translation>PostgreSQL 服务器自行检查其存储；索引可用 pg_amcheck 检查</translation>
    </message>
    <message>
        <source>integrity check of {path}: ok</source>
        <translation>{path} 完整性检查：正常</translation>
    </message>
    <message>
        <source>integrity check of {path}: DAMAGED</source>
        <translation>{path} 完整性检查：已损坏</translation>
    </message>
    <message>
        <source>no backup of it was found in the backup directory</source>
        <translation>备份目录中没有找到它的备份</translation>
    </message>
    <message>
        <source>newest backup: {path} ({time})</source>
        <translation>最新备份：{path}（{time}）</translation>
    </message>
    <message>
        <source>restore it with: smc db restore {path}</source>
        <translation>恢复命令：smc db restore {path}</translation>
    </message>
    <message>
        <source>topology</source>
        <translation>拓扑</translation>
    </message>
    <message>
        <source>history</source>
        <translation>历史数据</translation>
    </message>
    <message>
        <source>saving</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>--days must be at least 1</source>
        <translation>--days 至少为 1</translation>
    </message>
    <message>
        <source>--dead-meter-ratio must be in [0, 0.5)</source>
        <translation>--dead-meter-ratio 须在 [0, 0.5) 范围内</translation>
    </message>
    <message>
        <source>generating the {profile} county ({meters} meters, {areas} 台区, {days} days) into {database}</source>
        <translation>正在向 {database} 生成演示县（方案 {profile}：电能表 {meters} 块、台区 {areas} 个、历史 {days} 天）</translation>
    </message>
    <message>
        <source>done in {seconds} s: {stations} supply stations, {feeders} feeders, {areas} 台区, {customers} customers, {meters} meters, {freezes} daily freezes, {points} curve points</source>
        <translation>完成，用时 {seconds} 秒：供电所 {stations} 个、线路 {feeders} 条、台区 {areas} 个、用户 {customers} 户、电能表 {meters} 块、日冻结 {freezes} 条、曲线点 {points} 个</translation>
    </message>
    <message>
        <source>rollups of {database} rebuilt in {seconds} s</source>
        <translation>{database} 的汇总已重建，用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>--db {url} is not a database URL (e.g. {examples})</source>
        <translation>--db {url} 不是数据库 URL（例如 {examples}）</translation>
    </message>
    <message>
        <source>--db {database}: the console keeps its data in SQLite or PostgreSQL, not {backend} (e.g. {examples})</source>
        <translation>--db {database}：运营台的数据只能存放在 SQLite 或 PostgreSQL 中，不支持 {backend}（例如 {examples}）</translation>
    </message>
    <message>
        <source>--db {database}: the driver {driver} is not installed (PostgreSQL needs the postgres extra: postgresql+psycopg://...)</source>
        <translation>--db {database}：未安装驱动 {driver}（PostgreSQL 需要安装 postgres 扩展：postgresql+psycopg://...）</translation>
    </message>
    <message>
        <source>an earlier generation of the demo county into this database did not finish (it was interrupted) and left a partial county; delete the database (drop it and create it again) and generate again</source>
        <translation>此前向该数据库生成演示县的过程未完成（被中断），留下了不完整的县数据；请删除该数据库（删除后重新创建）再重新生成</translation>
    </message>
    <message>
        <source>an earlier generation of the demo county into this database did not finish (it was interrupted) and left a partial county; delete the file {path} (and its -wal and -shm files) and generate again</source>
        <translation>此前向该数据库生成演示县的过程未完成（被中断），留下了不完整的县数据；请删除文件 {path}（及其 -wal 和 -shm 文件）再重新生成</translation>
    </message>
    <message>
        <source>the database already holds a county; the demo county needs an empty one</source>
        <translation>数据库中已有县数据；演示县需要空数据库</translation>
    </message>
    <message>
        <source>an in-memory database has no file to back up or restore</source>
        <translation>内存数据库没有可备份或恢复的文件</translation>
    </message>
    <message>
        <source>the database is not a SQLite file: back up a PostgreSQL database with pg_dump (e.g. pg_dump -Fc -f smc.dump DBNAME) and restore it with pg_restore</source>
        <translation>该数据库不是 SQLite 文件：PostgreSQL 数据库请用 pg_dump 备份（例如 pg_dump -Fc -f smc.dump DBNAME），用 pg_restore 恢复</translation>
    </message>
    <message>
        <source>{path}: the audit checkpoints cannot be read ({reason})</source>
        <translation>{path}：无法读取审计检查点（{reason}）</translation>
    </message>
</context>
<context>
    <name>SmcUser</name>
    <message>
        <source>smc user: error: {reason}</source>
        <translation>smc user：错误：{reason}</translation>
    </message>
    <message>
        <source>smc user: {reason}</source>
        <translation>smc user：{reason}</translation>
    </message>
    <message>
        <source>sign in with --user NAME (an administrator)</source>
        <translation>请用 --user 用户名 登录（管理员）</translation>
    </message>
    <message>
        <source>new password of {login}: </source>
        <translation>{login} 的新密码：</translation>
    </message>
    <message>
        <source>user {login} added: {line}</source>
        <translation>已添加用户 {login}：{line}</translation>
    </message>
    <message>
        <source>user {login}: enabled</source>
        <translation>用户 {login}：已启用</translation>
    </message>
    <message>
        <source>user {login}: disabled</source>
        <translation>用户 {login}：已停用</translation>
    </message>
    <message>
        <source>password of {login} reset: it must be changed at the next sign-in</source>
        <translation>{login} 的密码已重置：下次登录时须修改</translation>
    </message>
    <message>
        <source>current password of {login}: </source>
        <translation>{login} 的当前密码：</translation>
    </message>
    <message>
        <source>new password: </source>
        <translation>新密码：</translation>
    </message>
    <message>
        <source>password of {login} changed</source>
        <translation>{login} 的密码已修改</translation>
    </message>
    <message>
        <source>whole county</source>
        <translation>全县</translation>
    </message>
    <message>
        <source>active</source>
        <translation>在用</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>{state}, locked until {time}</source>
        <translation>{state}，锁定至 {time}</translation>
    </message>
    <message>
        <source>{role}; scope: {scope}; {state}</source>
        <translation>{role}；范围：{scope}；{state}</translation>
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
<context>
    <name>TrendChart</name>
    <message>
        <source>Loading the trend…</source>
        <translation>正在加载趋势…</translation>
    </message>
    <message>
        <source>Success rate (%)</source>
        <translation>采集成功率 (%)</translation>
    </message>
    <message>
        <source>target {pct} %</source>
        <translation>目标 {pct} %</translation>
    </message>
    <message>
        <source>No meter was due to be read in these 30 days.</source>
        <translation>近 30 天内没有应采电表。</translation>
    </message>
</context>
</TS>
