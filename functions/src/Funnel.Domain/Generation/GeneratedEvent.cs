namespace Funnel.Domain.Generation;

/// <summary>One raw line as ProcessEvents would have written it, and the day it was processed.</summary>
public sealed record GeneratedEvent(DateOnly ProcessingDay, string PersonKey, string Json);
