using Orchestrator.Core.Calendars;

namespace Orchestrator.Agents.Market;

/// <summary>
/// One symbol's bars inside a <see cref="BarStore"/>: a fixed ring of completed bars plus the bar
/// still forming. Every member is called with <see cref="Sync"/> held.
/// </summary>
internal sealed class BarSeries
{
    private readonly Bar[] _ring;

    // Ring slot the next completed bar is written to; once full it holds the oldest bar.
    private int _next;
    private int _count;

    // End (exclusive) of the forming bar: a trade before it and not before its start folds in without a bounds look-up.
    private long _formingEndNs;

    /// <param name="capacity">Completed bars kept.</param>
    /// <param name="calendar">The symbol's exchange calendar (bars follow its sessions); null = aligned to the Unix epoch.</param>
    public BarSeries(int capacity, ExchangeCalendar? calendar)
    {
        _ring = new Bar[capacity];
        Calendar = calendar;
    }

    /// <summary>The symbol's exchange calendar, or null (UTC, epoch-aligned bars).</summary>
    public ExchangeCalendar? Calendar { get; }

    /// <summary>Guards this series only: held for O(1) on a trade and O(count) for a copy.</summary>
    public Lock Sync { get; } = new();

    public bool HasForming { get; private set; }

    public Bar Forming { get; private set; }

    public int Count => _count;

    /// <summary>Start of the newest bar, completed or forming (<see cref="long.MinValue"/> when none).</summary>
    public long LatestStartNs => HasForming ? Forming.StartNs : _count > 0 ? Newest.StartNs : long.MinValue;

    private Bar Newest => _ring[(_next - 1 + _ring.Length) % _ring.Length];

    /// <summary>
    /// Folds a trade into the forming bar, or completes it and starts the bar holding the trade (where it starts and
    /// ends: <see cref="SessionBars.Bounds"/>, the engine's rule). False when the trade is older than the forming bar.
    /// </summary>
    public bool AddTrade(long lengthNs, long timestampNs, decimal price, long size)
    {
        if (HasForming)
        {
            Bar forming = Forming;
            if (timestampNs >= forming.StartNs && timestampNs < _formingEndNs)
            {
                Forming = forming with
                {
                    High = price > forming.High ? price : forming.High,
                    Low = price < forming.Low ? price : forming.Low,
                    Close = price,
                    Volume = forming.Volume + size,
                };
                return true;
            }

            if (timestampNs < forming.StartNs)
            {
                return false;
            }
        }

        SessionBars.Bounds(lengthNs, Calendar, timestampNs, out long startNs, out long endNs);
        if (HasForming)
        {
            Append(Forming);
        }
        else if (startNs <= (_count > 0 ? Newest.StartNs : long.MinValue))
        {
            return false;
        }

        Forming = new Bar(startNs, price, price, price, price, size);
        _formingEndNs = endNs;
        HasForming = true;
        return true;
    }

    /// <summary>Adds a completed bar; false unless it is newer than every bar held.</summary>
    public bool AddCompleted(Bar bar)
    {
        if (bar.StartNs <= LatestStartNs)
        {
            return false;
        }

        Append(bar);
        return true;
    }

    /// <summary>The newest <paramref name="count"/> bars, oldest first; the forming one last when asked.</summary>
    public Bar[] Copy(int count, bool includeForming)
    {
        int forming = includeForming && HasForming ? 1 : 0;
        int completed = Math.Min(_count, Math.Max(0, count - forming));
        var bars = new Bar[completed + forming];
        int start = (_next - completed + _ring.Length) % _ring.Length;
        for (int i = 0; i < completed; i++)
        {
            bars[i] = _ring[(start + i) % _ring.Length];
        }

        if (forming == 1)
        {
            bars[completed] = Forming;
        }

        return bars;
    }

    private void Append(Bar bar)
    {
        _ring[_next] = bar;
        _next = (_next + 1) % _ring.Length;
        if (_count < _ring.Length)
        {
            _count++;
        }
    }
}
