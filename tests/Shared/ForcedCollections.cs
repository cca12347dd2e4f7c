namespace SemanticGen.Testing;

/// <summary>
/// Forces full garbage collections (and finalizers) from another thread until disposed: the stress behind
/// docs/torchsharp-notes.md, where a TorchSharp scalar finalized during a native call crashes or corrupts results.
/// <c>await using var pressure = ForcedCollections.Start();</c> around the code under test. The collections hit the
/// whole process, so a test using it belongs to the <see cref="RunsAlone"/> collection: other tests' plain tensor code
/// must not run meanwhile.
/// </summary>
public sealed class ForcedCollections : IAsyncDisposable
{
    /// <summary>The xunit collection of tests that must not run in parallel with anything (see the class summary).</summary>
    public const string RunsAlone = "forced collections (runs alone)";

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _collector;

    private ForcedCollections()
    {
        var token = _stop.Token;
        _collector = Task.Run(() =>
        {
            while (!token.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref _collections);
            }
        }, CancellationToken.None);
    }

    private int _collections;

    /// <summary>Collections forced so far (a test can require that the pressure really ran).</summary>
    public int Collections => Volatile.Read(ref _collections);

    /// <summary>Starts forcing collections.</summary>
    public static ForcedCollections Start() => new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _collector.ConfigureAwait(false);
        _stop.Dispose();
    }
}

/// <summary>The collection definition behind <see cref="ForcedCollections.RunsAlone"/>.</summary>
[CollectionDefinition(ForcedCollections.RunsAlone, DisableParallelization = true)]
public sealed class ForcedCollectionsRunAlone;
