namespace Orchestrator.Engine.State;

/// <summary>
/// Hands a validated parameter set from the slow path to the pipeline stages without a
/// reference in the ring slot: the slow path stages the value under a new version, then
/// publishes a command carrying only that version; each stage applies the staged value when
/// the command reaches it — between two events, in order with every other input.
/// Keeps the last <see cref="Capacity"/> versions, more than can be in flight in practice.
/// </summary>
/// <remarks>Stage from any thread (serialised by a lock); read from the stages' threads.</remarks>
public sealed class ParameterMailbox<T>
    where T : class
{
    public const int Capacity = 16;

    private readonly T?[] _slots = new T?[Capacity];
    private readonly long[] _versions = new long[Capacity];
    private readonly object _gate = new();
    private long _lastVersion;

    /// <summary>Stores <paramref name="value"/> and returns its version (1, 2, …).</summary>
    public long Stage(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            long version = ++_lastVersion;
            int slot = (int)(version % Capacity);
            // Release writes, value before version: a reader that sees the version sees the value.
            Volatile.Write(ref _slots[slot], value);
            Volatile.Write(ref _versions[slot], version);
            return version;
        }
    }

    /// <summary>
    /// Makes the next version greater than <paramref name="version"/>: after recovery from a snapshot
    /// the risk manager's applied version comes from the previous process, and a new live change
    /// must not reuse it.
    /// </summary>
    public void AdvancePast(long version)
    {
        lock (_gate)
        {
            _lastVersion = Math.Max(_lastVersion, version);
        }
    }

    /// <summary>The value staged as <paramref name="version"/>, or null if it was overwritten or never staged.</summary>
    public T? Get(long version)
    {
        int slot = (int)(version % Capacity);
        // Acquire reads, mirroring Stage; the ring's publish/consume order already makes the
        // staged value visible before the command that names it.
        T? value = Volatile.Read(ref _slots[slot]);
        return Volatile.Read(ref _versions[slot]) == version ? value : null;
    }
}
