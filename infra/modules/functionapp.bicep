// The function app on the Flex Consumption plan (FC1): .NET isolated worker, Linux, its user-assigned
// identity for everything (deployment package, host storage, app storage, Service Bus, Application Insights).
param location string
param name string
param tags object
param identityId string
param identityClientId string
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param deploymentContainerName string
param serviceBusNamespace string
param reportsTopicName string
param appInsightsConnectionString string
param instanceMemoryMB int
param maximumInstanceCount int
param shards int
param reportingTimeZone string

@description('The vault holding the hash key; the app resolves its Key Vault reference as its identity (keyVaultReferenceIdentity).')
param keyVaultName string

@description('Name of the hash key in the vault.')
param hashKeyName string

var names = loadJsonContent('../../functions/settings.json')
var host = names.functionsHost
var suffix = names.identityConnectionSuffixes

// No FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION or WEBSITE_RUN_FROM_PACKAGE: Flex Consumption
// refuses them and takes the runtime and the package from functionAppConfig instead.
// AzureWebJobsStorage (the host, the queue trigger, later Durable Functions) and Storage (the app's own
// clients) are the same account reached as the same identity.
var appSettings = [
  { name: '${host.hostStorage}${suffix.blobServiceUri}', value: storageBlobEndpoint }
  { name: '${host.hostStorage}${suffix.queueServiceUri}', value: storageQueueEndpoint }
  { name: '${host.hostStorage}${suffix.tableServiceUri}', value: storageTableEndpoint }
  { name: '${host.hostStorage}${suffix.credential}', value: 'managedidentity' }
  { name: '${host.hostStorage}${suffix.clientId}', value: identityClientId }
  { name: '${names.app.storage}${suffix.blobServiceUri}', value: storageBlobEndpoint }
  { name: '${names.app.storage}${suffix.queueServiceUri}', value: storageQueueEndpoint }
  { name: '${names.app.storage}${suffix.tableServiceUri}', value: storageTableEndpoint }
  { name: '${names.app.storage}${suffix.credential}', value: 'managedidentity' }
  { name: '${names.app.storage}${suffix.clientId}', value: identityClientId }
  { name: names.app.serviceBusNamespace, value: serviceBusNamespace }
  { name: names.app.serviceBusClientId, value: identityClientId }
  { name: names.app.reportsTopic, value: reportsTopicName }
  { name: host.appInsightsConnection, value: appInsightsConnectionString }
  { name: host.appInsightsAuthentication, value: 'ClientId=${identityClientId};Authorization=AAD' }
  { name: names.app.shards, value: string(shards) }
  { name: names.app.timeZone, value: reportingTimeZone }
  // A Key Vault reference without a version: the app always reads the secret's current version.
  { name: names.app.privacyHashSecret, value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${hashKeyName})' }
]

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: '${name}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      // The package: one zip in this container, read as the app's identity (az functionapp deployment source config-zip puts it there).
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      // The worker runtime: the .NET isolated worker on .NET 10.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
    }
    siteConfig: {
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      cors: { allowedOrigins: ['*'] }
      appSettings: appSettings
    }
  }
}

resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

output name string = site.name
output url string = 'https://${site.properties.defaultHostName}'
