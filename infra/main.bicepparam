// A development environment: Flex Consumption with the default instance size, report days in Shanghai time.
using 'main.bicep'

param environmentName = 'dev'
param instanceMemoryMB = 2048
param maximumInstanceCount = 40
param reportingTimeZone = 'Asia/Shanghai'
param shards = 16
param reportSubscriptions = ['reports-default']
