using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.State;

/// <summary>
/// The per-source limits (<see cref="EngineOptions.AgentLimits"/>) precomputed for the trading
/// thread: source id → limits, the allowed symbols as a flag per symbol, and one orders-per-minute
/// bucket per limited source (event time). The names are interned once, at construction; a handler
/// never looks a string up. Checked by the risk manager after the account-wide checks; sizing caps
/// the quantity at the room a source's <see cref="AgentLimit.MaxPosition"/> leaves.
/// </summary>
/// <remarks>Read and written on the trading thread only (risk and sizing); its bucket state is in the risk manager's snapshot section.</remarks>
public sealed class AgentLimitTable
{
    private const long MinuteNs = 60_000_000_000;

    private readonly int[] _limitOfSource; // source id -> limit index + 1 (0 = not limited)
    private readonly long[] _maxPosition;
    private readonly bool[] _allowed; // [limit * symbols + symbol]
    private readonly TokenBucket[] _perMinute;
    private readonly int _symbols;

    public AgentLimitTable(IReadOnlyList<AgentLimit> limits, TextInterner sources, SymbolTable symbols)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(symbols);
        _symbols = symbols.Count;
        _limitOfSource = new int[limits.Count == 0 ? 0 : sources.Capacity];
        _maxPosition = new long[limits.Count];
        _allowed = new bool[limits.Count * _symbols];
        _perMinute = new TokenBucket[limits.Count];
        for (int i = 0; i < limits.Count; i++)
        {
            AgentLimit limit = limits[i];
            _limitOfSource[sources.Intern(limit.Name)] = i + 1;
            _maxPosition[i] = limit.MaxPosition;
            _perMinute[i] = new TokenBucket(limit.MaxOrdersPerMinute, MinuteNs);
            for (int s = 0; s < _symbols; s++)
            {
                _allowed[(i * _symbols) + s] = limit.Symbols.Count == 0;
            }

            foreach (string symbol in limit.Symbols)
            {
                if (symbols.TryGetId(symbol, out int id))
                {
                    _allowed[(i * _symbols) + id] = true;
                }
            }
        }
    }

    /// <summary>Whether any source has limits.</summary>
    public bool Any => _maxPosition.Length > 0;

    /// <summary>
    /// The verdict for an intent of <paramref name="sourceId"/> (trading thread, risk, after the
    /// account-wide checks): symbol not allowed, position at its limit in the intent's direction,
    /// or no order left this minute. Takes nothing; <see cref="Take"/> once every check passed.
    /// </summary>
    public RejectReason Check(int sourceId, int symbolId, Side side, long tsNs, AgentBook book)
    {
        int limit = LimitOf(sourceId);
        if (limit < 0)
        {
            return RejectReason.None;
        }

        if (!_allowed[(limit * _symbols) + symbolId])
        {
            return RejectReason.AgentSymbolNotAllowed;
        }

        if (_maxPosition[limit] > 0 && Room(limit, book.Position(sourceId, symbolId), side, book.Units.PerShare(symbolId)) <= 0)
        {
            return RejectReason.AgentMaxPosition;
        }

        return _perMinute[limit].CanTake(tsNs) ? RejectReason.None : RejectReason.AgentRateLimit;
    }

    /// <summary>Charges the source's orders-per-minute bucket for a passed intent (trading thread).</summary>
    public void Take(int sourceId, long tsNs)
    {
        int limit = LimitOf(sourceId);
        if (limit >= 0)
        {
            _perMinute[limit].TryTake(tsNs);
        }
    }

    /// <summary>
    /// Shares <paramref name="sourceId"/> may still trade toward <paramref name="side"/> in the
    /// symbol before its own position passes its max position (<see cref="long.MaxValue"/> when it has
    /// no such limit), in the symbol's quantity units (the max position is configured in shares).
    /// Trading thread (sizing caps the quantity at it).
    /// </summary>
    public long Room(int sourceId, int symbolId, Side side, AgentBook book)
    {
        int limit = LimitOf(sourceId);
        return limit < 0 || _maxPosition[limit] <= 0 ? long.MaxValue : Room(limit, book.Position(sourceId, symbolId), side, book.Units.PerShare(symbolId));
    }

    // Buying may take the position up to +max, selling down to −max (max in shares, the position in units).
    private long Room(int limit, long position, Side side, long unitsPerShare)
    {
        long max = Quantities.FromShares(_maxPosition[limit], unitsPerShare);
        return side == Side.Buy ? max - position : max + position;
    }

    private int LimitOf(int sourceId) => (uint)sourceId < (uint)_limitOfSource.Length ? _limitOfSource[sourceId] - 1 : -1;

    /// <summary>The buckets (the risk manager's snapshot section; the limits themselves come from configuration).</summary>
    internal void WriteState(ref StateWriter w)
    {
        for (int i = 0; i < _perMinute.Length; i++)
        {
            _perMinute[i].WriteState(ref w);
        }
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        for (int i = 0; i < _perMinute.Length; i++)
        {
            _perMinute[i].ReadState(ref r);
        }
    }
}
