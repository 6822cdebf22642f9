// The Linux function app that runs the custom handler, as its user-assigned identity, with identity-based connections only.
param location string
param name string
param tags object
param planSku string
param identityId string
param identityClientId string
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param serviceBusNamespace string
param appInsightsConnectionString string
param packageUrl string
param shards int
param maxDeliveryCount int
param reportingTimeZone string

var names = loadJsonContent('../../functions/settings.json')
var host = names.functionsHost
var suffix = names.identityConnectionSuffixes
var planTiers = {
  Y1: 'Dynamic'
  EP1: 'ElasticPremium'
}

// Each identity-based connection: its service URIs plus which identity to use.
var identityCredential = [
  { name: '${host.hostStorage}${suffix.credential}', value: 'managedidentity' }
  { name: '${host.hostStorage}${suffix.clientId}', value: identityClientId }
  { name: '${host.serviceBusConnection}${suffix.credential}', value: 'managedidentity' }
  { name: '${host.serviceBusConnection}${suffix.clientId}', value: identityClientId }
  { name: '${names.app.storage}${suffix.credential}', value: 'managedidentity' }
  { name: '${names.app.storage}${suffix.clientId}', value: identityClientId }
]
var appSettings = concat([
  { name: host.extensionVersion, value: '~4' }
  { name: host.workerRuntime, value: 'custom' }
  { name: '${host.hostStorage}${suffix.blobServiceUri}', value: storageBlobEndpoint }
  { name: '${host.hostStorage}${suffix.queueServiceUri}', value: storageQueueEndpoint }
  { name: '${host.hostStorage}${suffix.tableServiceUri}', value: storageTableEndpoint }
  { name: '${host.serviceBusConnection}${suffix.serviceBusNamespace}', value: serviceBusNamespace }
  { name: '${names.app.storage}${suffix.blobServiceUri}', value: storageBlobEndpoint }
  { name: '${names.app.storage}${suffix.queueServiceUri}', value: storageQueueEndpoint }
  { name: '${names.app.storage}${suffix.tableServiceUri}', value: storageTableEndpoint }
  { name: host.runFromPackage, value: packageUrl }
  { name: host.runFromPackageIdentity, value: identityId }
  { name: host.appInsightsConnection, value: appInsightsConnectionString }
  { name: host.appInsightsAuthentication, value: 'ClientId=${identityClientId};Authorization=AAD' }
  { name: names.app.shards, value: string(shards) }
  { name: names.app.maxDeliveryCount, value: string(maxDeliveryCount) }
  { name: names.app.timeZone, value: reportingTimeZone }
  { name: names.app.runQueuePollers, value: 'false' }
], identityCredential)

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: '${name}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: planSku, tier: planTiers[planSku] }
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
    siteConfig: {
      linuxFxVersion: ''
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
