using Funnel.Engine.Erasure;
using Funnel.Events.Privacy;

namespace Funnel.Functions.Privacy;

/// <summary>Erase the persons of these pending requests from one shard.</summary>
public sealed record EraseShardRequest(int Shard, IReadOnlyList<ErasureRequest> Requests);

/// <summary>Record what every part of one erasure round removed and found left.</summary>
public sealed record CompleteErasuresRequest(IReadOnlyList<string> RequestIds, IReadOnlyList<ErasureTally> Tallies);
