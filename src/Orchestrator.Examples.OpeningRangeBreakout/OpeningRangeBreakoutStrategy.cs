using Orchestrator.Core;
using Orchestrator.Strategies;

namespace Orchestrator.Examples.OpeningRangeBreakout;

/// <summary>
/// Opening-range breakout, on the fast path. Each UTC day, per symbol: the high and low of the trades
/// in the first <see cref="OpeningRangeBreakoutOptions.RangeMinutes"/> after
/// <see cref="OpeningRangeBreakoutOptions.SessionStartUtc"/> (event time) make the range; after it,
/// the first trade above the high buys <see cref="OpeningRangeBreakoutOptions.Quantity"/> shares, the
/// first below the low sells them short — one entry per day. The position is closed when a trade
/// reaches its stop (the range's other side, or <see cref="OpeningRangeBreakoutOptions.StopFraction"/>
/// from the entry) or at the flatten time (an event-time timer).
/// </summary>
/// <remarks>Allocation-free after <see cref="OnStart"/>: per-symbol state in arrays indexed by symbol id, reason codes are constants.</remarks>
public sealed class OpeningRangeBreakoutStrategy : Strategy<OpeningRangeBreakoutOptions>
{
    public const string ReasonBreakout = "orb_breakout";
    public const string ReasonStop = "orb_stop";
    public const string ReasonSessionEnd = "orb_session_end";

    private const long NsPerDay = 86_400_000_000_000;
    private const long NsPerMinute = 60_000_000_000;

    private long[] _day = [];
    private long[] _highRaw = [];
    private long[] _lowRaw = [];
    private long[] _stopRaw = [];
    private bool[] _enteredToday = [];
    private bool[] _exitPending = [];
    private bool[] _mine = [];
    private int[] _symbols = [];
    private long _flattenTimerDay = long.MinValue;

    public OpeningRangeBreakoutStrategy()
    {
    }

    public OpeningRangeBreakoutStrategy(OpeningRangeBreakoutOptions options)
        : base(options)
    {
    }

    protected override void OnStart()
    {
        int size = 0;
        _symbols = new int[Context.Symbols.Count];
        for (int i = 0; i < _symbols.Length; i++)
        {
            _symbols[i] = Context.SymbolId(Context.Symbols[i]);
            size = Math.Max(size, _symbols[i] + 1);
        }

        _day = new long[size];
        Array.Fill(_day, long.MinValue);
        _highRaw = new long[size];
        _lowRaw = new long[size];
        _stopRaw = new long[size];
        _enteredToday = new bool[size];
        _exitPending = new bool[size];
        _mine = new bool[size];
        foreach (int id in _symbols)
        {
            _mine[id] = true;
        }
    }

    public override void OnTick(in Tick tick)
    {
        int s = tick.SymbolId;
        if (!tick.HasTrade || (uint)s >= (uint)_mine.Length || !_mine[s])
        {
            return;
        }

        long ts = tick.TsEventNs;
        long day = ts / NsPerDay;
        long sessionStart = (day * NsPerDay) + (Options.SessionStartUtc.Ticks * 100);
        if (day != _day[s])
        {
            _day[s] = day;
            _highRaw[s] = 0;
            _lowRaw[s] = 0;
            _enteredToday[s] = false;
            if (_flattenTimerDay != day)
            {
                _flattenTimerDay = day;
                Context.SetTimer(sessionStart + (Options.FlattenAfterMinutes * NsPerMinute));
            }
        }

        if (ts < sessionStart)
        {
            return;
        }

        long price = tick.PriceRaw;
        if (ts < sessionStart + (Options.RangeMinutes * NsPerMinute))
        {
            _highRaw[s] = _highRaw[s] == 0 ? price : Math.Max(_highRaw[s], price);
            _lowRaw[s] = _lowRaw[s] == 0 ? price : Math.Min(_lowRaw[s], price);
            return;
        }

        long position = Context.Position(s);
        if (position != 0)
        {
            bool stopped = position > 0 ? price <= _stopRaw[s] : price >= _stopRaw[s];
            if (stopped && ts < sessionStart + (Options.FlattenAfterMinutes * NsPerMinute))
            {
                Close(s, position, ReasonStop);
            }

            return;
        }

        if (_enteredToday[s] || _highRaw[s] == 0)
        {
            return;
        }

        if (price > _highRaw[s])
        {
            Enter(s, Side.Buy, Options.StopFraction > 0 ? price - Fraction(price) : _lowRaw[s]);
        }
        else if (price < _lowRaw[s])
        {
            Enter(s, Side.Sell, Options.StopFraction > 0 ? price + Fraction(price) : _highRaw[s]);
        }
    }

    public override void OnFill(in Fill fill)
    {
        if ((uint)fill.SymbolId < (uint)_exitPending.Length && fill.LeavesQuantity == 0)
        {
            _exitPending[fill.SymbolId] = false;
        }
    }

    public override void OnOrderUpdate(in OrderUpdate update)
    {
        if ((uint)update.SymbolId < (uint)_exitPending.Length && update.ExecType is ExecutionType.Rejected or ExecutionType.Canceled or ExecutionType.Expired)
        {
            _exitPending[update.SymbolId] = false; // an exit that did not happen may be tried again
        }
    }

    /// <summary>The flatten time: every open position of the strategy is closed.</summary>
    public override void OnTimer(long eventTimeNs)
    {
        foreach (int s in _symbols)
        {
            long position = Context.Position(s);
            if (position != 0)
            {
                Close(s, position, ReasonSessionEnd);
            }
        }
    }

    private void Enter(int s, Side side, long stopRaw)
    {
        SubmitResult result = Context.Submit(new StrategySignal { SymbolId = s, Side = side, Quantity = Options.Quantity, Reason = ReasonBreakout });
        if (result.IsTaken)
        {
            _enteredToday[s] = true;
            _stopRaw[s] = stopRaw;
        }
    }

    private void Close(int s, long position, string reason)
    {
        if (_exitPending[s])
        {
            return; // one exit at a time; its fill or refusal clears it
        }

        SubmitResult result = Context.Submit(new StrategySignal { SymbolId = s, Side = position > 0 ? Side.Sell : Side.Buy, Quantity = Math.Abs(position), Reason = reason });
        _exitPending[s] = result.IsTaken;
    }

    private long Fraction(long priceRaw) => (long)(priceRaw * Options.StopFraction);
}
