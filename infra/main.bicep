// Funnel pipeline: everything in one resource group. Deploy with
//   az deployment group create -g <group> -f infra/main.bicep -p infra/main.bicepparam
targetScope = 'resourceGroup'

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Short environment name, part of every resource name (e.g. dev, prod).')
@minLength(2)
@maxLength(8)
param environmentName string

@description('Memory of each Flex Consumption instance in MB; more memory also brings more CPU.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Most instances the Flex Consumption plan scales the app out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('User shards of raw events and state; fixed once events are stored.')
@minValue(1)
@maxValue(256)
param shards int = 16

@description('IANA time zone whose midnights delimit report days.')
param reportingTimeZone string = 'UTC'

@description('Object ids of the users or groups who may read report blobs (Storage Blob Data Reader on the reports container only).')
param reportReaderPrincipalIds string[] = []

@description('Days after which raw event blobs move to the cool tier.')
@minValue(1)
param rawCoolAfterDays int = 30

@description('Subscriptions on the reports topic, one per consuming system; each gets every notification.')
@minLength(1)
param reportSubscriptions string[] = ['reports-default']

@description('How long the reports topic remembers message ids to drop a notification sent twice (ISO 8601 duration).')
param duplicateDetectionWindow string = 'PT10M'

@description('How long a subscriber holds a notification before it is delivered again (ISO 8601 duration).')
param lockDuration string = 'PT5M'

@description('Days of logs kept in Log Analytics.')
@minValue(30)
param logRetentionDays int = 30

@description('The HMAC key ingest hashes personal data with (at least 32 characters, e.g. openssl rand -hex 32). Pass it on the first deployment only; empty keeps the stored one.')
@secure()
param privacyHashSecret string = ''

var names = loadJsonContent('../functions/settings.json')
var suffix = uniqueString(resourceGroup().id, environmentName)
var baseName = 'funnel-${environmentName}'
var deploymentContainer = 'deployments'
var hashKeyName = 'privacy-hash-secret'
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
    reportReaderPrincipalIds: reportReaderPrincipalIds
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    location: location
    name: '${baseName}-${suffix}'
    tags: tags
    principalId: identity.outputs.principalId
    topicName: names.reportsTopic
    subscriptions: reportSubscriptions
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

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: take('funnelkv${environmentName}${suffix}', 24)
    tags: tags
    principalId: identity.outputs.principalId
    hashSecretName: hashKeyName
    hashSecret: privacyHashSecret
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    name: '${baseName}-${suffix}'
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainer
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    reportsTopicName: serviceBus.outputs.topicName
    appInsightsConnectionString: monitoring.outputs.connectionString
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    shards: shards
    reportingTimeZone: reportingTimeZone
    keyVaultName: keyVault.outputs.name
    hashKeyName: hashKeyName
  }
}

output appName string = functionApp.outputs.name
output appUrl string = functionApp.outputs.url
output storageAccountName string = storage.outputs.name
output serviceBusNamespace string = serviceBus.outputs.name
output deploymentContainer string = deploymentContainer
output keyVaultName string = keyVault.outputs.name
