namespace Funnel.Events.Privacy;

/// <summary>What ingest does with <c>context.ip</c> (<c>Privacy__Ip</c>).</summary>
public enum IpMasking
{
    /// <summary>IPv4 cut to its /24 network, IPv6 to its /48: enough for a country or city, not for a household.</summary>
    Truncate,

    Drop,

    Keep,
}
