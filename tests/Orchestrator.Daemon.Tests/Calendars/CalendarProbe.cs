using Orchestrator.Core;
using Orchestrator.Strategies;

namespace Orchestrator.Daemon.Tests.Calendars;

/// <summary>
/// A fast-path strategy that submits scripted limit buys at given event times (on the first tick of its
/// symbol at that time) and records what came back: deterministic in a backtest and in a paced replay alike.
/// </summary>
internal sealed class CalendarProbe(params CalendarProbe.Order[] script) : IStrategy
{
    /// <summary>A limit buy of 10 of <paramref name="Symbol"/> at <paramref name="TsNs"/>.</summary>
    public sealed record Order(long TsNs, string Symbol, decimal Limit, TimeInForce Tif);

    private readonly bool[] _sent = new bool[script.Length];
    private IStrategyContext? _context;

    public Dictionary<long, SubmitResult> Results { get; } = [];

    public List<OrderUpdate> Updates { get; } = [];

    public List<Fill> Fills { get; } = [];

    public StrategyThreading Threading => StrategyThreading.FastPath;

    public IReadOnlyList<Timeframe> Timeframes => [];

    public void OnStart(IStrategyContext context) => _context = context;

    public void OnTick(in Tick tick)
    {
        for (int i = 0; i < script.Length; i++)
        {
            Order order = script[i];
            if (!_sent[i] && order.TsNs == tick.TsEventNs && _context!.SymbolId(order.Symbol) == tick.SymbolId)
            {
                _sent[i] = true;
                Results[order.TsNs] = _context.Submit(new StrategySignal
                {
                    SymbolId = tick.SymbolId,
                    Side = Side.Buy,
                    Quantity = 10,
                    OrderType = OrderType.Limit,
                    LimitPriceRaw = FixedPoint.FromDecimal(order.Limit),
                    Tif = order.Tif,
                    Reason = "calendar_probe",
                });
            }
        }
    }

    public void OnBar(in Bar bar)
    {
    }

    public void OnOrderUpdate(in OrderUpdate update) => Updates.Add(update);

    public void OnFill(in Fill fill) => Fills.Add(fill);

    public void OnTimer(long eventTimeNs)
    {
    }
}
