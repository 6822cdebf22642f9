// Service Bus for notifications to other systems: a topic the app publishes reports on, one subscription per
// consumer, SAS off. The app may only send to the topic; consumers are granted receive on their subscription.
import { roleIds } from 'roles.bicep'

param location string
param name string
param tags object
param principalId string
param topicName string
param subscriptions string[]
param duplicateDetectionWindow string
param lockDuration string

// A consumer that fails a message this often finds it in the subscription's dead-letter queue.
var subscriptionMaxDeliveryCount = 10

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

// Notifications carry a stable message id, so one sent twice (a retried function) is dropped here.
resource topic 'Microsoft.ServiceBus/namespaces/topics@2026-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    defaultMessageTimeToLive: 'P14D'
  }
}

resource topicSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2026-01-01' = [for subscription in subscriptions: {
  parent: topic
  name: subscription
  properties: {
    deadLetteringOnMessageExpiration: true
    deadLetteringOnFilterEvaluationExceptions: true
    maxDeliveryCount: subscriptionMaxDeliveryCount
    lockDuration: lockDuration
    defaultMessageTimeToLive: 'P14D'
  }
}]

resource senderRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(topic.id, principalId, roleIds.serviceBusDataSender)
  scope: topic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataSender)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = namespace.name
// serviceBusEndpoint is https://<name>.servicebus.windows.net:443/ (or the sovereign cloud's); clients want the host name.
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '/')[2], ':')[0]
output topicName string = topic.name
