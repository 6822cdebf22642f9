// A development environment: Linux Consumption, UTC days, default shard count.
using 'main.bicep'

param environmentName = 'dev'
param planSku = 'Y1'
param reportingTimeZone = 'Asia/Shanghai'
param shards = 16
