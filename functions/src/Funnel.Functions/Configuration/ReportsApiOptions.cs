namespace Funnel.Functions.Configuration;

/// <summary>The <c>Reports</c> settings of the reports API.</summary>
public sealed class ReportsApiOptions
{
    public const string Section = "Reports";

    /// <summary>Read keys besides those stored hashed in the ReadKeys table (<c>Reports__ReadKeys__0</c>, …), for local runs.</summary>
    public List<string> ReadKeys { get; set; } = [];
}
