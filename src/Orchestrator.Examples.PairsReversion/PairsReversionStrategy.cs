using Orchestrator.Core;
using Orchestrator.Strategies;

namespace Orchestrator.Examples.PairsReversion;

/// <summary>
/// Pairs mean reversion on two symbols (the registration's first two, A and B). On every bar period
/// in which both legs closed a bar (<see cref="PairsReversionOptions.Timeframe"/>), it samples
/// r = ln(closeA / closeB) and keeps the last <see cref="PairsReversionOptions.Window"/> samples;
/// z = (r − mean) / standard deviation of the window before r. Flat and z ≥ EntryZ: A is rich — sell A,
/// buy B; z ≤ −EntryZ: buy A, sell B. In a position and |z| ≤ ExitZ: both legs are closed.
/// </summary>
/// <remarks>
/// Runs on the fast path by default (allocation-free after <see cref="OnStart"/>: the window is a
/// pre-sized ring of doubles — statistics, not money); with <see cref="PairsReversionOptions.SlowPath"/>
/// it runs on the strategy worker and its signals go through the ring like an agent's.
/// </remarks>
public sealed class PairsReversionStrategy : Strategy<PairsReversionOptions>
{
    public const string ReasonEnter = "pairs_enter";
    public const string ReasonExit = "pairs_exit";

    private double[] _window = [];
    private int _count;
    private int _next;
    private int _a = -1;
    private int _b = -1;
    private long _barA = long.MinValue;
    private long _barB = long.MinValue;
    private long _closeA;
    private long _closeB;
    private long _sampledBar = long.MinValue;
    private int _direction; // +1 = long A / short B, −1 = short A / long B, 0 = flat

    public PairsReversionStrategy()
        : this(new PairsReversionOptions())
    {
    }

    public PairsReversionStrategy(PairsReversionOptions options)
        : base(options)
    {
    }

    public override StrategyThreading Threading => Options.SlowPath ? StrategyThreading.SlowPath : StrategyThreading.FastPath;

    /// <summary>The one timeframe of <see cref="PairsReversionOptions.Timeframe"/> (the host reads it once, at registration).</summary>
    public override IReadOnlyList<Timeframe> Timeframes => [Timeframe.Parse(Options.Timeframe)];

    /// <summary>The last z-score computed (NaN before the window is full).</summary>
    public double LastZ { get; private set; } = double.NaN;

    protected override void OnStart()
    {
        if (Context.Symbols.Count < 2)
        {
            throw new InvalidOperationException("A pairs strategy needs two symbols.");
        }

        _a = Context.SymbolId(Context.Symbols[0]);
        _b = Context.SymbolId(Context.Symbols[1]);
        _window = new double[Options.Window];
    }

    public override void OnBar(in Bar bar)
    {
        if (bar.SymbolId == _a)
        {
            _barA = bar.StartNs;
            _closeA = bar.CloseRaw;
        }
        else if (bar.SymbolId == _b)
        {
            _barB = bar.StartNs;
            _closeB = bar.CloseRaw;
        }

        if (_barA != _barB || _barA == _sampledBar || _closeA <= 0 || _closeB <= 0)
        {
            return; // wait for both legs of the same period
        }

        _sampledBar = _barA;
        double ratio = Math.Log((double)_closeA / _closeB);
        if (_count == _window.Length)
        {
            LastZ = ZScore(ratio);
            Decide(LastZ);
        }

        _window[_next] = ratio;
        _next = (_next + 1) % _window.Length;
        _count = Math.Min(_count + 1, _window.Length);
    }

    private double ZScore(double ratio)
    {
        double sum = 0;
        for (int i = 0; i < _count; i++)
        {
            sum += _window[i];
        }

        double mean = sum / _count;
        double squares = 0;
        for (int i = 0; i < _count; i++)
        {
            double d = _window[i] - mean;
            squares += d * d;
        }

        double std = Math.Sqrt(squares / (_count - 1));
        return std > 0 ? (ratio - mean) / std : 0;
    }

    private void Decide(double z)
    {
        if (_direction == 0)
        {
            if (z >= Options.EntryZ)
            {
                Open(-1);
            }
            else if (z <= -Options.EntryZ)
            {
                Open(+1);
            }
        }
        else if (Math.Abs(z) <= Options.ExitZ)
        {
            Leg(_a, -Context.Position(_a), ReasonExit);
            Leg(_b, -Context.Position(_b), ReasonExit);
            _direction = 0;
        }
    }

    private void Open(int direction)
    {
        SubmitResult a = Leg(_a, direction * Options.Quantity, ReasonEnter);
        SubmitResult b = Leg(_b, -direction * Options.Quantity, ReasonEnter);
        if (a.IsTaken || b.IsTaken)
        {
            _direction = direction;
        }
    }

    /// <summary>Buys (positive) or sells (negative) <paramref name="shares"/> of one leg.</summary>
    private SubmitResult Leg(int symbolId, long shares, string reason) =>
        shares == 0 ? default : Context.Submit(new StrategySignal { SymbolId = symbolId, Side = shares > 0 ? Side.Buy : Side.Sell, Quantity = Math.Abs(shares), Reason = reason });
}
