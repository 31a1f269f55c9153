namespace Orchestrator.Engine.State;

/// <summary>
/// Hands a validated parameter set from the slow path to the pipeline stages without a
/// reference in the ring slot: the slow path stages the value under a new version, then
/// publishes a command carrying only that version; each stage applies the staged value when
/// the command reaches it — between two events, in order with every other input.
/// </summary>
/// <remarks>
/// <para>
/// Any number of writers, on any threads: <see cref="Stage{TState}"/> gives versions 1, 2, … and
/// runs the caller's publish under one lock, so commands enter the ring in version order. A slot
/// is reused only once the stage that reads last has marked its version applied
/// (<see cref="MarkApplied"/>): with more than <see cref="Capacity"/> changes in flight the next
/// writer waits, as a publisher waits for a full ring, instead of overwriting a value no stage
/// has read yet (which lost the change silently while it was acknowledged).
/// </para>
/// <para>
/// Stage and wait on the slow path only. The stages' side (<see cref="Get"/>, <see cref="MarkApplied"/>)
/// takes no lock and allocates nothing.
/// </para>
/// </remarks>
public sealed class ParameterMailbox<T>
    where T : class
{
    public const int Capacity = 16;

    private readonly T?[] _slots = new T?[Capacity];
    private readonly long[] _versions = new long[Capacity];
    private readonly object _gate = new();
    private long _lastVersion;
    private long _appliedVersion;

    /// <summary>The newest version every reading stage has applied (versions apply in order).</summary>
    public long AppliedVersion => Volatile.Read(ref _appliedVersion);

    /// <summary>The newest version staged.</summary>
    public long LastVersion => Volatile.Read(ref _lastVersion);

    /// <summary>
    /// Stores <paramref name="value"/> and returns its version (1, 2, …), for a caller that
    /// applies it itself before staging more than <see cref="Capacity"/> others (replay, tests).
    /// </summary>
    public long Stage(T value) => Stage(value, 0, static (_, _) => { }, CancellationToken.None);

    /// <summary>
    /// Stores <paramref name="value"/> under the next version and calls <paramref name="publish"/>
    /// with it before any other writer may stage, so versions reach the ring in order. Waits (slow
    /// path) while the slot still holds a version the stages have not applied.
    /// </summary>
    /// <exception cref="OperationCanceledException">The wait for a free slot was cancelled; nothing was staged.</exception>
    public long Stage<TState>(T value, TState state, Action<TState, long> publish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(publish);
        lock (_gate)
        {
            long version = _lastVersion + 1;
            var wait = default(SpinWait);
            // Acquire read, pairs with MarkApplied's release: the stages are done with the slot's old value.
            while (version - Capacity > Volatile.Read(ref _appliedVersion))
            {
                cancellationToken.ThrowIfCancellationRequested();
                wait.SpinOnce(sleep1Threshold: 20);
            }

            int slot = (int)(version % Capacity);
            // Release writes, value before version: a reader that sees the version sees the value.
            Volatile.Write(ref _slots[slot], value);
            Volatile.Write(ref _versions[slot], version);
            Volatile.Write(ref _lastVersion, version);
            publish(state, version);
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
            Volatile.Write(ref _lastVersion, Math.Max(_lastVersion, version));
            Volatile.Write(ref _appliedVersion, Math.Max(_appliedVersion, version));
        }
    }

    /// <summary>The value staged as <paramref name="version"/>, or null if it was never staged (or is long gone).</summary>
    public T? Get(long version)
    {
        int slot = (int)(version % Capacity);
        // Acquire reads, mirroring Stage; the ring's publish/consume order already makes the
        // staged value visible before the command that names it.
        T? value = Volatile.Read(ref _slots[slot]);
        return Volatile.Read(ref _versions[slot]) == version ? value : null;
    }

    /// <summary>
    /// Called by the stage that reads last, once it has applied <paramref name="version"/>: every
    /// stage is done with it (and with every earlier one), so its slot may be reused. Lock-free and
    /// allocation-free; only that stage's thread writes.
    /// </summary>
    public void MarkApplied(long version)
    {
        if (version > _appliedVersion)
        {
            // Release write: a writer that sees it may overwrite the slot; an acknowledger that sees it
            // knows every stage has the change in force.
            Volatile.Write(ref _appliedVersion, version);
        }
    }
}
