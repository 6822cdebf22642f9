// Funnel pipeline: everything in one resource group. Deploy with
//   az deployment group create -g <group> -f infra/main.bicep -p infra/main.bicepparam
targetScope = 'resourceGroup'

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Short environment name, part of every resource name (e.g. dev, prod).')
@minLength(2)
@maxLength(8)
param environmentName string

@description('Hosting plan: Y1 (Linux Consumption, pay per execution) or EP1 (Elastic Premium, always warm).')
@allowed(['Y1', 'EP1'])
param planSku string = 'Y1'

@description('User shards of raw events and state; fixed once events are stored.')
@minValue(1)
@maxValue(256)
param shards int = 16

@description('IANA time zone whose midnights delimit report days.')
param reportingTimeZone string = 'UTC'

@description('Days after which raw event blobs move to the cool tier.')
@minValue(1)
param rawCoolAfterDays int = 30

@description('How long Service Bus remembers message ids to drop duplicates (ISO 8601 duration).')
param duplicateDetectionWindow string = 'PT10M'

@description('How long a receiver holds a message; a shard task must finish or renew within it.')
param lockDuration string = 'PT5M'

@description('Days of logs kept in Log Analytics.')
@minValue(30)
param logRetentionDays int = 30

@description('Blob name of the deployment package inside the deployment container.')
param packageName string = 'funnel-handler.zip'

var names = loadJsonContent('../functions/settings.json')
var suffix = uniqueString(resourceGroup().id, environmentName)
var baseName = 'funnel-${environmentName}'
var deploymentContainer = 'deployments'
var tags = {
  application: 'funnel-pipeline'
  environment: environmentName
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    name: '${baseName}-id'
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: take('funnel${environmentName}${suffix}', 24)
    tags: tags
    principalId: identity.outputs.principalId
    rawCoolAfterDays: rawCoolAfterDays
    deploymentContainerName: deploymentContainer
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    location: location
    name: '${baseName}-${suffix}'
    tags: tags
    principalId: identity.outputs.principalId
    queues: names.queues
    maxDeliveryCount: names.maxDeliveryCount
    duplicateDetectionWindow: duplicateDetectionWindow
    lockDuration: lockDuration
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    name: baseName
    tags: tags
    principalId: identity.outputs.principalId
    retentionDays: logRetentionDays
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    name: '${baseName}-${suffix}'
    tags: tags
    planSku: planSku
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    appInsightsConnectionString: monitoring.outputs.connectionString
    packageUrl: '${storage.outputs.blobEndpoint}${deploymentContainer}/${packageName}'
    shards: shards
    maxDeliveryCount: names.maxDeliveryCount
    reportingTimeZone: reportingTimeZone
  }
}

output appName string = functionApp.outputs.name
output appUrl string = functionApp.outputs.url
output storageAccountName string = storage.outputs.name
output serviceBusNamespace string = serviceBus.outputs.name
output deploymentContainer string = deploymentContainer
