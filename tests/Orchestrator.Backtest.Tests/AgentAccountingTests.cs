using System.Globalization;
using System.Text;
using System.Text.Json;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;

namespace Orchestrator.Backtest.Tests;

/// <summary>
/// Per-agent accountability on a real engine and the paper venue (the backtest runner in both
/// modes: inline, and through the live rings and threads): two agents trade the same symbol in
/// opposite directions, and each one's P&amp;L in the book is what its own fills add up to,
/// computed here independently from the venue's fills.
/// </summary>
public sealed class AgentAccountingTests : IDisposable
{
    private static readonly DateTimeOffset s_day0 = new(2024, 1, 2, 21, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-bt-agents-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(BacktestMode.SingleThread)]
    [InlineData(BacktestMode.Ring)]
    public void TwoAgentsTradingOppositeWays_EachOnesPnl_IsWhatItsOwnFillsAddUpTo(BacktestMode mode)
    {
        decimal[] closes = [100m, 101.5m, 103m, 99.25m, 97m, 102m, 104.75m, 101m, 98.5m, 100.25m];
        RecordedSignal[] signals =
        [
            Signal(0, "alpha", Side.Buy), Signal(0, "beta", Side.Sell),
            Signal(1, "alpha", Side.Buy), Signal(2, "beta", Side.Sell),
            Signal(3, "alpha", Side.Sell), Signal(4, "beta", Side.Buy),
            Signal(5, "alpha", Side.Sell), Signal(5, "alpha", Side.Sell), Signal(6, "beta", Side.Buy),
            Signal(7, "alpha", Side.Buy), Signal(7, "beta", Side.Sell),
        ];
        var runner = new BacktestRunner(new BacktestOptions
        {
            Mode = mode,
            Engine = new EngineOptions
            {
                Symbols = ["AAPL"],
                StartingCash = 100_000m,
                Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
                Risk = new RiskOptions { DuplicateWindow = TimeSpan.Zero, MaxOrdersPerSecond = 0, MaxOrdersPerMinute = 0, MaxOrdersPerDay = 0, PriceCollarFraction = 0.5m, AllowShortSelling = true },
                Sizing = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 7, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
                Exits = new ExitOptions { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
            },
            Paper = new PaperExchangeOptions { SymbolCount = 1, SlippageBps = 3, CommissionBps = 5 },
            Signals = signals,
        });
        BacktestResult result;
        using (var reader = new MarketDataFileReader(DailyBars(closes), runner.Engine.Symbols))
        {
            result = runner.Run(reader);
        }

        // Independently: each fill to its order's agent, then average-cost P&L in decimal.
        var expected = new Dictionary<string, Ledger>(StringComparer.Ordinal);
        foreach (FillRecord fill in result.Fills)
        {
            Assert.True(runner.Engine.Orders.TryFind(fill.ClientOrderId, out int slot));
            string agent = runner.Engine.Sources.Get(runner.Engine.Orders[slot].SourceId);
            (expected.TryGetValue(agent, out Ledger? ledger) ? ledger : expected[agent] = new Ledger()).Apply(fill);
        }

        Assert.Equal(["alpha", "beta"], expected.Keys.Order(StringComparer.Ordinal));
        Assert.True(expected["alpha"].Realized != 0 && expected["beta"].Realized != 0, "both agents must close trades");
        decimal last = closes[^1];
        IReadOnlyList<AgentFigures> agents = result.Agents;
        Assert.Equal(["alpha", "beta"], agents.Select(a => a.Name));
        foreach (AgentFigures a in agents)
        {
            Ledger l = expected[a.Name];
            Assert.Equal(("external", l.Fills, l.Realized, l.Position * (last - l.AverageCost), l.Commission), (a.Kind, a.Fills, a.RealizedPnl, a.UnrealizedPnl, a.Commission));
            Assert.Equal(l.Position, Assert.Single(a.Positions).Quantity);
            Assert.Equal(signals.Count(s => s.Source == a.Name), a.Signals);
            Assert.Equal(a.Signals, a.Orders);
        }

        // The account is the sum of its agents (no exits here): positions net out, fills add up.
        Assert.Equal(result.OpenPositions.GetValueOrDefault("AAPL"), expected["alpha"].Position + expected["beta"].Position);
        Assert.Equal(result.Fills.Count, agents.Sum(a => a.Fills));

        // The backtest report carries them.
        using JsonDocument report = JsonDocument.Parse(BacktestReportWriter.ToJson(BacktestMetrics.Compute(result), deterministic: true));
        JsonElement alpha = report.RootElement.GetProperty("agents")[0];
        Assert.Equal("alpha", alpha.GetProperty("name").GetString());
        Assert.Equal("external", alpha.GetProperty("kind").GetString());
        Assert.Equal(expected["alpha"].Realized, alpha.GetProperty("realized_pnl").GetDecimal());
        Assert.Equal(expected["alpha"].Fills, alpha.GetProperty("fills").GetInt64());
        Assert.Equal(0, alpha.GetProperty("restarts").GetInt32());
        Assert.Equal(JsonValueKind.Object, alpha.GetProperty("rejects").ValueKind);
    }

    private static long Ns(DateTimeOffset t) => (t - DateTimeOffset.UnixEpoch).Ticks * 100;

    private static RecordedSignal Signal(int day, string agent, Side side) => new(Ns(s_day0.AddDays(day)), "AAPL", side, 0.9m, 0, agent);

    private string DailyBars(decimal[] closes)
    {
        var csv = new StringBuilder("timestamp,symbol,open,high,low,close,volume\n");
        for (int i = 0; i < closes.Length; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{s_day0.AddDays(i):yyyy-MM-ddTHH:mm:ssZ},AAPL,{closes[i]},{closes[i] + 1},{closes[i] - 1},{closes[i]},1000000\n");
        }

        string path = Path.Combine(_dir, "bars.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    /// <summary>Average-cost accounting in decimal: a reduction realizes (price − average) per share closed, truncated to the raw unit as the engine's one truncation is.</summary>
    private sealed class Ledger
    {
        private decimal _cost; // signed basis of the open position

        public long Position { get; private set; }

        public decimal Realized { get; private set; }

        public decimal Commission { get; private set; }

        public long Fills { get; private set; }

        public decimal AverageCost => Position == 0 ? 0 : Math.Abs(_cost) / Math.Abs(Position);

        public void Apply(FillRecord fill)
        {
            decimal price = FixedPoint.ToDecimal(fill.PriceRaw);
            long signed = fill.Side == Side.Buy ? fill.Quantity : -fill.Quantity;
            Fills++;
            Commission += FixedPoint.ToDecimal(fill.CommissionRaw);
            if (Position == 0 || Math.Sign(Position) == Math.Sign(signed))
            {
                _cost += signed * price;
            }
            else
            {
                long closing = Math.Min(Math.Abs(Position), fill.Quantity);
                decimal removed = decimal.Truncate(_cost * closing / Math.Abs(Position) * FixedPoint.Scale) / FixedPoint.Scale;
                Realized += (Position > 0 ? closing * price : -closing * price) - removed;
                _cost -= removed;
                if (Math.Sign(Position + signed) == -Math.Sign(Position))
                {
                    _cost = (Position + signed) * price; // reversed: the remainder opens at this price
                }
            }

            Position += signed;
        }
    }
}
