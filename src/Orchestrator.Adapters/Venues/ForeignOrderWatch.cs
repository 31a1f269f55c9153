namespace Orchestrator.Adapters.Venues;

/// <summary>What <see cref="ForeignOrderWatch"/> decided about a venue order that belongs to no engine order.</summary>
internal enum ForeignOrderVerdict
{
    /// <summary>Nothing new: known already, or finished before the run and not changed since.</summary>
    Ignore,

    /// <summary>It may be an order of ours whose answer has not arrived (or that is in doubt): no alarm yet.</summary>
    AwaitingOwner,

    /// <summary>A working order of no engine order, seen for the first time: CRITICAL, a person must check it.</summary>
    Unexplained,

    /// <summary>The venue filled an order of no engine order during the run: CRITICAL, and trading pauses.</summary>
    ForeignFill,
}

/// <summary>
/// Decides about venue orders that match no engine order (placed by hand, by another program, by an
/// earlier run, or one of ours declared never placed that landed after all). The first complete read
/// of the venue's orders is the baseline: what was filled then happened before the run. From then on
/// any growth of a foreign order's fills is a <see cref="ForeignOrderVerdict.ForeignFill"/>; a working
/// foreign order is <see cref="ForeignOrderVerdict.Unexplained"/> once. An order that may still be one
/// of ours (its answer pending, or in doubt, with the same terms) is only
/// <see cref="ForeignOrderVerdict.AwaitingOwner"/>; when an engine order adopts it,
/// <see cref="Claim"/> takes it off the count.
/// </summary>
/// <remarks>Slow path; called from the poll and from push streams, so guarded by one lock.</remarks>
internal sealed class ForeignOrderWatch
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _filledSeen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unexplained = new(StringComparer.Ordinal);
    private bool _baselined;

    /// <summary>Foreign orders counted (working ones, and those the venue filled during the run).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _unexplained.Count;
            }
        }
    }

    /// <summary>The first complete read of the venue's orders has been judged: later fills are the run's.</summary>
    public void MarkBaselined()
    {
        lock (_lock)
        {
            _baselined = true;
        }
    }

    /// <summary>Judges one venue state that matched no engine order.</summary>
    /// <param name="state">The venue's cumulative state of the order.</param>
    /// <param name="mayBeOurs">An engine order without a venue id (answer pending, or in doubt) has its terms.</param>
    public ForeignOrderVerdict Judge(VenueOrderState state, bool mayBeOurs)
    {
        lock (_lock)
        {
            if (mayBeOurs)
            {
                if (!_baselined)
                {
                    // Its fills so far happened before the run, should it turn out not to be ours.
                    _filledSeen.TryAdd(state.VenueOrderId, state.FilledQuantity);
                }

                return ForeignOrderVerdict.AwaitingOwner;
            }

            long before = _filledSeen.TryGetValue(state.VenueOrderId, out long seen) ? seen : _baselined ? 0 : state.FilledQuantity;
            _filledSeen[state.VenueOrderId] = Math.Max(before, state.FilledQuantity);
            if (state.FilledQuantity > before)
            {
                _unexplained.Add(state.VenueOrderId);
                return ForeignOrderVerdict.ForeignFill;
            }

            return state.Status == VenueOrderStatus.Open && _unexplained.Add(state.VenueOrderId) ? ForeignOrderVerdict.Unexplained : ForeignOrderVerdict.Ignore;
        }
    }

    /// <summary>An engine order adopted <paramref name="venueOrderId"/>: it was ours after all.</summary>
    public bool Claim(string venueOrderId)
    {
        lock (_lock)
        {
            _filledSeen.Remove(venueOrderId);
            return _unexplained.Remove(venueOrderId);
        }
    }
}
