// Storage for raw events, state, partials, reports, notifications, the ingest queue, the deployment package
// and the Functions host; keys off, identity only.
import { roleIds } from 'roles.bicep'

param location string
param name string
param tags object
param principalId string
param rawCoolAfterDays int
param deploymentContainerName string

@description('Users or groups (object ids) who read report blobs with their own identity: Storage Blob Data Reader on the reports container only.')
param reportReaderPrincipalIds array

var containers = ['raw', 'state', 'partials', 'reports', 'ingest-overflow', 'notifications', 'config', deploymentContainerName]
var tables = ['DailyMetrics', 'WriteKeys', 'ReadKeys', 'IdentityLinks', 'RawBatches', 'Erasures', 'IngestRefusals', 'AggregationRuns', 'ChannelSpend']
// Work queues, each with its poison queue beside it ({queue}-poison, where the queue trigger parks a message
// after host.json's maxDequeueCount deliveries).
var queues = loadJsonContent('../../functions/settings.json').queues
// Blob, queue and table data: the Functions host and Durable Functions need all three on AzureWebJobsStorage.
var dataRoles = [
  roleIds.storageBlobDataOwner
  roleIds.storageQueueDataContributor
  roleIds.storageTableDataContributor
]

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    accessTier: 'Hot'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: { enabled: true, days: 14 }
    containerDeleteRetentionPolicy: { enabled: true, days: 14 }
  }
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = [for container in containers: {
  parent: blobService
  name: container
  properties: { publicAccess: 'None' }
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource workQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' = [for queue in queues: {
  parent: queueService
  name: queue
}]

resource poisonQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' = [for queue in queues: {
  parent: queueService
  name: '${queue}-poison'
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource storageTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' = [for table in tables: {
  parent: tableService
  name: table
}]

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-06-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'raw-to-cool'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: ['blockBlob'], prefixMatch: ['raw/'] }
            actions: { baseBlob: { tierToCool: { daysAfterModificationGreaterThan: rawCoolAfterDays } } }
          }
        }
      ]
    }
  }
}

resource dataRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in dataRoles: {
  name: guid(account.id, principalId, roleId)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

resource reportsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' existing = {
  parent: blobService
  name: 'reports'
}

resource reportReaders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for reader in reportReaderPrincipalIds: {
  name: guid(reportsContainer.id, reader, roleIds.storageBlobDataReader)
  scope: reportsContainer
  dependsOn: [blobContainers]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataReader)
    principalId: reader
  }
}]

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
