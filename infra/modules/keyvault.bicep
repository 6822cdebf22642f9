// Key Vault for the app's secrets (today: the HMAC key ingest hashes personal data with). Access by Azure RBAC
// only; the app's identity may read secrets (Key Vault Secrets User on this vault), nothing more.
import { roleIds } from 'roles.bicep'

param location string
param name string
param tags object
param principalId string

@description('Name of the secret that holds the hash key.')
param hashSecretName string

@description('The hash key, set once: empty leaves the stored secret as it is (changing it changes every hash).')
@secure()
param hashSecret string

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // A lost hash key cannot be recreated: every stored hash would stop matching new ones.
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource hashKey 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(hashSecret)) {
  parent: vault
  name: hashSecretName
  properties: {
    value: hashSecret
    contentType: 'HMAC-SHA256 key of Privacy__HashSecret'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roleIds.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name
