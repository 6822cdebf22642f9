namespace Funnel.Standalone.Functions;

/// <summary>How the standalone host serves one function: its trigger kind and where it listens (an HTTP route, a queue).</summary>
public sealed record ServedFunction(string Name, string Trigger, string Source);

/// <summary>Every function this host serves; a test compares it with the function app's <c>[Function]</c> methods.</summary>
public sealed class ServedFunctions
{
    private readonly List<ServedFunction> _served = [];

    public IReadOnlyList<ServedFunction> All
    {
        get
        {
            lock (_served)
            {
                return _served.ToList();
            }
        }
    }

    public void Add(ServedFunction function)
    {
        lock (_served)
        {
            _served.Add(function);
        }
    }
}
