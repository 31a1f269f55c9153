using Orchestrator.Core.Calendars;

namespace Orchestrator.Adapters.Paper;

/// <summary>
/// When the paper venue's trading days end on replayed data, so its Day orders expire
/// (<see cref="PaperExchange.EndOfDay(long, bool[], Core.IExecutionReportSink)"/>). Two rules:
/// <list type="bullet">
/// <item>With exchange calendars (a calendar per symbol id, <c>EngineOptions.UseExchangeCalendars</c>): at each
/// exchange's regular close — 15:30 KST for KRX, 16:00 New York time for NYSE/Nasdaq (21:00 or 20:00 UTC
/// with daylight saving), 13:00 on a half day — for that exchange's symbols only, stamped with the close.
/// Symbols whose exchange has no calendar follow the UTC rule.</item>
/// <item>Without: at each change of UTC day, for every symbol, stamped with the previous event's time.</item>
/// </list>
/// Either way only once the data has shown itself intraday (two distinct event times less than a day
/// apart). With daily or coarser data there is no end of day: an order made from a daily bar's close is for
/// the next session and fills at the next bar's open. The backtest and the daemon's file replays (lock-step
/// and paced) use this one rule, so all expire the same Day orders at the same moment.
/// </summary>
/// <remarks>Called on the one thread that feeds market data, in event-time order; allocates nothing after construction.</remarks>
public sealed class TradingDayBoundary
{
    private const long NsPerDay = 86_400_000_000_000;

    private readonly ExchangeCalendar?[] _groupCalendar; // per group; null = the UTC day rule
    private readonly bool[]?[] _groupSymbols;           // per group: which symbol ids it ends (null = all)
    private readonly long[] _nextCloseNs;               // per calendar group: the close after the last event
    private readonly long[] _endTsNs;
    private readonly bool[]?[] _endSymbols;
    private long _lastTs;
    private long _currentDay;
    private long _minGapNs;
    private bool _started;

    /// <summary>The UTC day rule for every symbol.</summary>
    public TradingDayBoundary()
        : this(null)
    {
    }

    /// <summary>Days end at each symbol's exchange close (<paramref name="calendarBySymbol"/>, by symbol id); null = the UTC day rule.</summary>
    public TradingDayBoundary(ExchangeCalendar?[]? calendarBySymbol)
    {
        var calendars = new List<ExchangeCalendar?>();
        var masks = new List<bool[]?>();
        if (calendarBySymbol is null)
        {
            calendars.Add(null);
            masks.Add(null);
        }
        else
        {
            for (int s = 0; s < calendarBySymbol.Length; s++)
            {
                int group = calendars.IndexOf(calendarBySymbol[s]);
                if (group < 0)
                {
                    group = calendars.Count;
                    calendars.Add(calendarBySymbol[s]);
                    masks.Add(new bool[calendarBySymbol.Length]);
                }

                masks[group]![s] = true;
            }
        }

        _groupCalendar = [.. calendars];
        _groupSymbols = [.. masks];
        _nextCloseNs = new long[_groupCalendar.Length];
        _endTsNs = new long[_groupCalendar.Length];
        _endSymbols = new bool[]?[_groupCalendar.Length];
    }

    /// <summary>
    /// Takes the next market event's time. Returns how many trading days ended before it (0 or more, in
    /// time order); read each with <see cref="EndTsNs"/> and <see cref="EndSymbols"/>.
    /// </summary>
    public int Advance(long tsNs)
    {
        if (!_started)
        {
            _started = true;
            _lastTs = tsNs;
            _currentDay = Day(tsNs);
            _minGapNs = long.MaxValue;
            for (int g = 0; g < _groupCalendar.Length; g++)
            {
                _nextCloseNs[g] = _groupCalendar[g]?.SessionCloseNs(tsNs) ?? long.MaxValue;
            }

            return 0;
        }

        if (tsNs == _lastTs)
        {
            return 0;
        }

        _minGapNs = Math.Min(_minGapNs, tsNs - _lastTs);
        bool intraday = _minGapNs < NsPerDay;
        long day = Day(tsNs);
        int ends = 0;
        for (int g = 0; g < _groupCalendar.Length; g++)
        {
            if (_groupCalendar[g] is not { } calendar)
            {
                if (day != _currentDay && intraday)
                {
                    Add(ref ends, _lastTs, _groupSymbols[g]);
                }
            }
            else if (tsNs >= _nextCloseNs[g])
            {
                if (intraday)
                {
                    Add(ref ends, _nextCloseNs[g], _groupSymbols[g]);
                }

                _nextCloseNs[g] = calendar.SessionCloseNs(tsNs);
            }
        }

        _currentDay = day;
        _lastTs = tsNs;
        return ends;
    }

    /// <summary>The time the <paramref name="index"/>-th day end of the last <see cref="Advance"/> carries (what the expiries are stamped with).</summary>
    public long EndTsNs(int index) => _endTsNs[index];

    /// <summary>Which symbol ids the <paramref name="index"/>-th day end is for (null = all).</summary>
    public bool[]? EndSymbols(int index) => _endSymbols[index];

    /// <summary>Appends a day end, keeping them in time order (a handful of groups: insertion).</summary>
    private void Add(ref int count, long tsNs, bool[]? symbols)
    {
        int i = count++;
        while (i > 0 && _endTsNs[i - 1] > tsNs)
        {
            _endTsNs[i] = _endTsNs[i - 1];
            _endSymbols[i] = _endSymbols[i - 1];
            i--;
        }

        _endTsNs[i] = tsNs;
        _endSymbols[i] = symbols;
    }

    private static long Day(long tsNs) => Math.DivRem(tsNs, NsPerDay, out long rem) - (rem < 0 ? 1 : 0);
}
