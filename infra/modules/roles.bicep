// Built-in role definition ids, by name, so role assignments read as what they grant.
@export()
var roleIds = {
  // The Functions host (and Durable Functions) manage blob leases and containers, which needs Owner, not Contributor.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Business teams read the reports container with their own Entra ID identity.
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  // Reads secret values (the app's Key Vault references); cannot list keys or change anything.
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}
