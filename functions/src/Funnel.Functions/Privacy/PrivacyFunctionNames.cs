namespace Funnel.Functions.Privacy;

/// <summary>The names of the erasure's orchestration and activities.</summary>
public static class PrivacyFunctionNames
{
    public const string ErasePersons = "ErasePersons";
    public const string ListPendingErasures = "ListPendingErasures";
    public const string EraseShard = "EraseShard";
    public const string ErasePersonFiles = "ErasePersonFiles";
    public const string CompleteErasures = "CompleteErasures";
}
