namespace Funnel.Engine.Processing;

/// <summary>
/// Group commit: items handed in while a group is being written wait and go together in the next one. One group is
/// written at a time, so groups grow with the load (a second writer would halve them). Each caller gets its own item's
/// result, or the group's failure. Writes run without the callers' cancellation (a group serves several callers); a
/// caller that stops waiting is told at once while its item may still be written.
/// </summary>
/// <param name="write">Writes a group; returns one result per item, in order.</param>
/// <param name="belongsWith">Whether an item may share a group with the group's first item.</param>
/// <param name="maxGroup">The most items in one group.</param>
public sealed class GroupCommit<TItem, TResult>(
    Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> write,
    Func<TItem, TItem, bool>? belongsWith = null,
    int maxGroup = int.MaxValue)
{
    private readonly Lock _gate = new();
    private readonly List<(TItem Item, TaskCompletionSource<TResult> Done)> _waiting = [];
    private bool _writing;

    public Task<TResult> AddAsync(TItem item, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool startWriter;
        lock (_gate)
        {
            _waiting.Add((item, done));
            startWriter = !_writing;
            _writing = true;
        }
        if (startWriter)
        {
            _ = Task.Run(WriteWhileWaitingAsync, CancellationToken.None);
        }
        return done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteWhileWaitingAsync()
    {
        while (true)
        {
            List<(TItem Item, TaskCompletionSource<TResult> Done)> group;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _writing = false;
                    return;
                }
                var first = _waiting[0].Item;
                group = _waiting.Where(w => belongsWith?.Invoke(first, w.Item) ?? true).Take(maxGroup).ToList();
                _waiting.RemoveAll(group.Contains);
            }
            try
            {
                var results = await write([.. group.Select(w => w.Item)]);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                group.ForEach(w => w.Done.TrySetException(ex));
            }
        }
    }
}
