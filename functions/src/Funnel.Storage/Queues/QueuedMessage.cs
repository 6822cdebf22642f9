namespace Funnel.Storage.Queues;

/// <summary>A message taken from a Storage queue, with what is needed to settle it.</summary>
public sealed record QueuedMessage(string MessageId, string PopReceipt, string Body, long DequeueCount, DateTimeOffset? InsertedOn);

/// <summary>A message parked in a poison queue, with the reason it kept failing.</summary>
public sealed record PoisonMessage(string MessageId, string PopReceipt, string Body, string Reason, DateTimeOffset? FailedAt);

/// <summary>How far processing is behind: messages waiting (approximate, in-flight included) and the age of the oldest visible one.</summary>
public readonly record struct QueueBacklog(int Messages, TimeSpan OldestAge);
