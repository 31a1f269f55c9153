using System.Text.Json.Nodes;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Strategy;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Strategies;
using Orchestrator.Strategies.Testing;
using static Orchestrator.Agents.Tests.Llm.LlmStrategyRig;

namespace Orchestrator.Agents.Tests.Llm;

/// <summary>
/// An LLM agent with role strategy as an in-process slow-path strategy (issue 18): a real engine, the
/// real OpenAI-compatible client and a fake model server on loopback.
/// </summary>
public sealed class LlmStrategyTests
{
    [Fact]
    public async Task OnBarClose_AsksTheModel_WhenABarClosesInEventTime_InABacktestStyleInlineRun()
    {
        await using FakeModelServer server = await FakeModelServer.StartAsync();
        LlmStrategy strategy = NewStrategy(server, LlmSchedule.OnBarClose(Timeframe.FiveMinutes));
        TradingEngine engine = InlineEngine(["AAPL"], new StrategyRegistration("llm_a", strategy, ["AAPL"]));

        await Task.Run(() =>
        {
            long sequence = 0;
            for (int minute = 0; minute <= 11; minute++)
            {
                Process(engine, ref sequence, Trade(0, T0 + (minute * Minute) + Second, 100m + minute));
            }
        });

        // Bars [0, 5) and [5, 10) closed (on the first trades past their ends); [10, 15) is still forming.
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(T0 + (5 * Minute) + Second, Context(server.Requests[0])["event_time_ns"]!.GetValue<long>());
        Assert.Equal(T0 + (10 * Minute) + Second, Context(server.Requests[1])["event_time_ns"]!.GetValue<long>());
        Assert.Equal("bar_close(5m)", Context(server.Requests[1])["schedule"]!.GetValue<string>());
        Assert.Equal(2, strategy.Calls);
    }

    [Fact]
    public async Task Interval_AsksTheModelEveryIntervalOfEventTime_ThroughTheHostsTimers()
    {
        await using FakeModelServer server = await FakeModelServer.StartAsync();
        LlmStrategy strategy = NewStrategy(server, LlmSchedule.Every(TimeSpan.FromMinutes(2)));
        TradingEngine engine = InlineEngine(["AAPL"], new StrategyRegistration("llm_a", strategy, ["AAPL"]));

        await Task.Run(() =>
        {
            long sequence = 0;
            for (int minute = 0; minute <= 6; minute++)
            {
                Process(engine, ref sequence, Trade(0, T0 + (minute * Minute), 100m));
            }
        });

        Assert.Equal([T0 + (2 * Minute), T0 + (4 * Minute), T0 + (6 * Minute)], server.Requests.Select(r => Context(r)["event_time_ns"]!.GetValue<long>()));
    }

    [Fact]
    public async Task TheCall_CarriesItsEventTime_InChatOptions()
    {
        await using FakeModelServer server = await FakeModelServer.StartAsync();
        LlmStrategyOptions options = Options(server);
        var seen = new List<object?>();
        using EventTimeProbe probe = new(LlmChatClients.Create(options), seen);
        var strategy = new LlmStrategy(options, probe, LlmSchedule.OnBarClose(Timeframe.OneMinute));
        TradingEngine engine = InlineEngine(["AAPL"], new StrategyRegistration("llm_a", strategy, ["AAPL"]));

        await Task.Run(() =>
        {
            long sequence = 0;
            Process(engine, ref sequence, Trade(0, T0, 100m));
            Process(engine, ref sequence, Trade(0, T0 + Minute, 100m));
        });

        Assert.Equal([(object?)(T0 + Minute)], seen);
    }

    [Fact]
    public async Task ThePrompt_HoldsTheUsersPrompt_TheFormat_AndEveryPartOfTheContext()
    {
        await using FakeModelServer server = await FakeModelServer.StartAsync();
        server.EnqueueText(Answer("""{"symbol":"AAPL","side":"BUY","confidence":0.8,"reason":"breakout","order_type":"limit","limit_price":101,"quantity":100}"""));
        LlmStrategy strategy = NewStrategy(server, LlmSchedule.OnBarClose(Timeframe.OneMinute), prompt: "You trade like a careful tortoise.", riskLimits: () => """{"max_daily_loss":0.02,"max_open_orders":50}""");
        using var rig = new StrategyTestRig(StrategyTestRig.Options(["AAPL"], new StrategyRegistration("llm_a", strategy, ["AAPL"])));

        rig.Publish(Trade(0, T0, 100m));
        rig.WaitUntilQuiet();
        rig.Publish(Trade(0, T0 + Minute, 100.5m)); // closes [0, 1m): first call, a buy
        rig.WaitUntilQuiet();
        rig.Publish(Trade(0, T0 + Minute + (10 * Second), 100.6m)); // the paper venue fills it
        rig.WaitUntilQuiet();
        rig.Publish(Trade(0, T0 + (2 * Minute), 100.8m)); // closes [1m, 2m): second call
        rig.WaitUntilQuiet();

        Assert.Equal(2, server.Requests.Count);
        string text = server.Requests[1].MessagesText;
        Assert.StartsWith("You trade like a careful tortoise.", text, StringComparison.Ordinal);
        Assert.Contains("\"order_type\": \"market\", \"limit\", \"stop\", \"stop_limit\" or \"trailing_stop\"", text, StringComparison.Ordinal);
        Assert.Contains("\"take_profit\" (a price: above the entry for a BUY, below for a SELL) or \"take_profit_pct\"", text, StringComparison.Ordinal); // issue 19: exits
        JsonObject context = Context(server.Requests[1]);
        Assert.Equal(T0 + (2 * Minute), context["event_time_ns"]!.GetValue<long>());
        Assert.Equal(0.02m, context["risk_limits"]!["max_daily_loss"]!.GetValue<decimal>());
        Assert.Equal(1_000_000m, context["account"]!["cash"]!.GetValue<decimal>() + (100 * context["recent_fills"]![0]!["price"]!.GetValue<decimal>()));
        JsonObject fill = context["recent_fills"]![0]!.AsObject();
        Assert.Equal(("AAPL", "BUY", 100L), (fill["symbol"]!.GetValue<string>(), fill["side"]!.GetValue<string>(), fill["quantity"]!.GetValue<long>()));
        JsonObject position = context["pnl"]!["positions"]![0]!.AsObject();
        Assert.Equal(100, position["position"]!.GetValue<long>());
        Assert.Equal((100.8m - fill["price"]!.GetValue<decimal>()) * 100, position["unrealized_pnl"]!.GetValue<decimal>());
        JsonObject signal = context["previous_signals"]![0]!.AsObject();
        Assert.Equal("limit", signal["order_type"]!.GetValue<string>());
        Assert.Equal(101m, signal["limit_price"]!.GetValue<decimal>());
        Assert.StartsWith("accepted", signal["decision"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("filled", signal["order"]!.GetValue<string>());
        Assert.Equal(100, signal["filled_quantity"]!.GetValue<long>());
        JsonObject aapl = context["symbols"]!["AAPL"]!.AsObject();
        Assert.Equal(100.8m, aapl["forming_bar"]!["open"]!.GetValue<decimal>());
        Assert.Equal([100m, 100.6m], aapl["bars"]!.AsArray().Select(b => b![4]!.GetValue<decimal>())); // closes of the closed bars
        Assert.True(aapl["indicators"]!.AsObject().ContainsKey("rsi_14"));
    }

    [Fact]
    public async Task ThePrompt_CountsSharesForAFractionalSymbol_ItsFillsPositionPnlAndFilledQuantity()
    {
        await using FakeModelServer server = await FakeModelServer.StartAsync();
        server.EnqueueText(Answer("""{"symbol":"AAPL","side":"BUY","confidence":0.8,"reason":"a fraction","order_type":"limit","limit_price":100}"""));
        LlmStrategy strategy = NewStrategy(server, LlmSchedule.OnBarClose(Timeframe.OneMinute));
        EngineOptions options = StrategyTestRig.Options(["AAPL"], new StrategyRegistration("llm_a", strategy, ["AAPL"])) with
        {
            Instruments = new Dictionary<string, InstrumentInfo> { ["AAPL"] = InstrumentInfo.Default("AAPL") with { QuantityDecimals = 2 } },
            // 0.0066 % of 1,000,000 = 66 at the limit of 100: 0.66 shares, 66 units of a hundredth.
            Sizing = new SizingOptions { Method = SizingMethod.FixedFraction, FractionOfEquity = 0.000066m, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
        };
        using var rig = new StrategyTestRig(options);

        rig.Publish(Trade(0, T0, 100m));
        rig.WaitUntilQuiet();
        rig.Publish(Trade(0, T0 + Minute, 100.5m)); // closes [0, 1m): first call, a buy
        rig.WaitUntilQuiet();
        rig.Publish(Trade(0, T0 + Minute + (10 * Second), 99.5m)); // the paper venue fills it
        rig.WaitUntilQuiet();
        rig.Publish(Trade(0, T0 + (2 * Minute), 101m)); // closes [1m, 2m): second call
        rig.WaitUntilQuiet();

        Assert.Equal(66L, StrategyTestRig.OrdersOf(rig.Engine, "llm_a").Single().FilledQuantity); // the engine counts units
        Assert.Equal(2, server.Requests.Count);
        JsonObject context = Context(server.Requests[1]);
        JsonObject fill = context["recent_fills"]![0]!.AsObject();
        Assert.Equal(0.66m, fill["quantity"]!.GetValue<decimal>()); // was 66
        decimal price = fill["price"]!.GetValue<decimal>();
        JsonObject position = context["pnl"]!["positions"]![0]!.AsObject();
        Assert.Equal(0.66m, position["position"]!.GetValue<decimal>());
        Assert.Equal(price, position["average_cost"]!.GetValue<decimal>());
        Assert.Equal((101m - price) * 0.66m, position["unrealized_pnl"]!.GetValue<decimal>());
        Assert.Equal(0.66m, context["previous_signals"]![0]!["filled_quantity"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task AnAnswersQuantity_IsInShares_ForAFractionalSymbolToo()
    {
        await using FakeModelServer server = await FakeModelServer.StartAsync();
        server.EnqueueText(Answer(
            """{"symbol":"AAPL","side":"BUY","confidence":0.8,"reason":"fractional","order_type":"limit","limit_price":101,"quantity":7}""",
            """{"symbol":"MSFT","side":"BUY","confidence":0.8,"reason":"whole","order_type":"limit","limit_price":101,"quantity":7}"""));
        LlmStrategy strategy = NewStrategy(server, LlmSchedule.OnBarClose(Timeframe.OneMinute));
        string[] symbols = ["AAPL", "MSFT"];
        EngineOptions options = StrategyTestRig.Options(symbols, new StrategyRegistration("llm_a", strategy, symbols)) with
        {
            Instruments = new Dictionary<string, InstrumentInfo> { ["AAPL"] = InstrumentInfo.Default("AAPL") with { QuantityDecimals = 2 } },
            Sizing = new SizingOptions { Method = SizingMethod.FixedFraction, FractionOfEquity = 0.5m, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
        };
        var engine = new TradingEngine(options, Orchestrator.Engine.Audit.NullAuditWriter.Instance);

        await Task.Run(() =>
        {
            long sequence = 0;
            Process(engine, ref sequence, Trade(0, T0, 100m));
            Process(engine, ref sequence, Trade(1, T0, 100m));
            Process(engine, ref sequence, Trade(0, T0 + Minute, 101m)); // closes AAPL's bar: the call
        });

        // Sizing would allow thousands of shares; the answer caps each order at 7 shares: 700 hundredths of AAPL, 7 MSFT.
        Assert.Equal(700L, StrategyTestRig.OrdersOf(engine, "llm_a").Single(o => o.SymbolId == 0).Quantity);
        Assert.Equal(7L, StrategyTestRig.OrdersOf(engine, "llm_a").Single(o => o.SymbolId == 1).Quantity);
    }

    [Fact]
    public async Task TheAnswersOrderIntent_BecomesTheOrder_ABadItemIsRefusedAlone_AndNoIntentMeansALimitAtTheLastClose()
    {
        await using FakeModelServer server = await FakeModelServer.StartAsync();
        server.EnqueueText(Answer(
            """{"symbol":"AAPL","side":"BUY","confidence":0.8,"reason":"breakout","order_type":"stop_limit","stop_price":102,"limit_price":102.5,"time_in_force":"gtc","quantity":7}""",
            """{"symbol":"MSFT","side":"BUY","confidence":0.8,"reason":"no price","order_type":"limit"}""",
            """{"symbol":"NVDA","side":"SELL","confidence":0.9,"reason":"plain"}""",
            """{"symbol":"AMZN","side":"BUY","confidence":0.9,"reason":"odd","time_in_force":"forever"}""",
            """{"symbol":"GOOG","side":"BUY","confidence":0.9,"reason":"inject","quantity":1000000000}"""));
        var metrics = new LlmCallMetrics();
        LlmStrategy strategy = NewStrategy(server, LlmSchedule.OnBarClose(Timeframe.OneMinute), metrics: metrics);
        string[] symbols = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOG"];
        EngineOptions options = StrategyTestRig.Options(symbols, new StrategyRegistration("llm_a", strategy, symbols)) with
        {
            Sizing = new SizingOptions { Method = SizingMethod.FixedFraction, FractionOfEquity = 0.001m, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
        };
        var engine = new TradingEngine(options, Orchestrator.Engine.Audit.NullAuditWriter.Instance);

        await Task.Run(() =>
        {
            long sequence = 0;
            for (int s = 0; s < symbols.Length; s++)
            {
                Process(engine, ref sequence, Trade(s, T0, 100m + s));
            }

            Process(engine, ref sequence, Trade(0, T0 + Minute, 101m)); // closes AAPL's bar: the call
        });

        OrderRecord aapl = StrategyTestRig.OrdersOf(engine, "llm_a").Single(o => o.SymbolId == 0);
        Assert.Equal((OrderType.StopLimit, TimeInForce.Gtc, FixedPoint.FromDecimal(102m), FixedPoint.FromDecimal(102.5m), 7L), (aapl.OrderType, aapl.TimeInForce, aapl.StopRaw, aapl.LimitRaw, aapl.Quantity));
        OrderRecord nvda = StrategyTestRig.OrdersOf(engine, "llm_a").Single(o => o.SymbolId == 2);
        Assert.Equal((OrderType.Limit, Side.Sell, FixedPoint.FromDecimal(102m)), (nvda.OrderType, nvda.Side, nvda.LimitRaw)); // NVDA had no bar closed yet: its last trade
        OrderRecord goog = StrategyTestRig.OrdersOf(engine, "llm_a").Single(o => o.SymbolId == 4);
        Assert.True(goog.Quantity <= 11, $"the injected billion was sized by risk: {goog.Quantity}"); // 0.1 % of 1,000,000 at 104
        Assert.DoesNotContain(StrategyTestRig.OrdersOf(engine, "llm_a"), o => o.SymbolId is 1 or 3);
        Assert.Equal(2, strategy.FailureCounts[StrategyFailureKinds.InvalidSignal]);
        Assert.Equal(2, metrics.Snapshot().Single().Failures[StrategyFailureKinds.InvalidSignal]);
        Assert.Equal(3, strategy.SignalsSubmitted);
    }

    [Fact]
    public async Task TheModel_SeesItsOpenOrdersWithIds_AndAmendsAndCancelsThem_AnotherSourcesOrderIsNotItsToTouch()
    {
        await using FakeModelServer server = await FakeModelServer.StartAsync();
        server.EnqueueText(Answer(
            """{"symbol":"AAPL","side":"BUY","confidence":0.8,"reason":"dip","limit_price":95,"quantity":5}""",
            """{"symbol":"MSFT","side":"BUY","confidence":0.8,"reason":"dip","limit_price":94,"quantity":4}"""));
        LlmStrategy strategy = NewStrategy(server, LlmSchedule.OnBarClose(Timeframe.OneMinute));
        var other = new SubmittingStrategy();
        string[] symbols = ["AAPL", "MSFT"];
        var engine = new TradingEngine(
            StrategyTestRig.Options(symbols, new StrategyRegistration("llm_a", strategy, symbols), new StrategyRegistration("other", other, symbols)),
            Orchestrator.Engine.Audit.NullAuditWriter.Instance);
        long sequence = 0;
        await Task.Run(() =>
        {
            Process(engine, ref sequence, Trade(0, T0, 100m));
            Process(engine, ref sequence, Trade(1, T0, 100m));
            Process(engine, ref sequence, Trade(0, T0 + Minute, 100m)); // the first call: two resting buys
        });

        long aapl = StrategyTestRig.OrdersOf(engine, "llm_a").Single(o => o.SymbolId == 0).ClientOrderId;
        long msft = StrategyTestRig.OrdersOf(engine, "llm_a").Single(o => o.SymbolId == 1).ClientOrderId;
        long foreign = StrategyTestRig.OrdersOf(engine, "other").Single().ClientOrderId;
        server.EnqueueText(Answer(
            "{\"symbol\":\"AAPL\",\"action\":\"amend\",\"order_id\":" + aapl + ",\"limit_price\":96,\"reason\":\"chase\"}",
            "{\"symbol\":\"MSFT\",\"action\":\"cancel\",\"order_id\":" + msft + ",\"reason\":\"stale\"}",
            "{\"symbol\":\"AAPL\",\"action\":\"cancel\",\"order_id\":" + foreign + ",\"reason\":\"not mine\"}"));
        await Task.Run(() => Process(engine, ref sequence, Trade(0, T0 + (2 * Minute), 100m))); // the second call

        JsonArray open = Context(server.Requests[1])["open_orders"]!.AsArray();
        Assert.Equal(new[] { aapl, msft }.Order(), open.Select(o => o!["order_id"]!.GetValue<long>()).Order()); // its own two, not the other source's
        Assert.Contains("\"action\":\"amend\"", server.Requests[1].MessagesText, StringComparison.Ordinal); // the format tells how
        OrderRecord amended = StrategyTestRig.OrdersOf(engine, "llm_a").Single(o => o.ClientOrderId == aapl);
        Assert.Equal((true, FixedPoint.FromDecimal(96m)), (amended.AmendPending, amended.AmendLimitRaw)); // sent to the venue; it changes on Replaced
        Assert.True(StrategyTestRig.OrdersOf(engine, "llm_a").Single(o => o.ClientOrderId == msft).CancelPending);
        OrderRecord untouched = StrategyTestRig.OrdersOf(engine, "other").Single();
        Assert.False(untouched.CancelPending);
        Assert.Equal(5, strategy.SignalsSubmitted);
        Assert.False(strategy.FailureCounts.ContainsKey(StrategyFailureKinds.InvalidSignal));
    }

    /// <summary>Another source's strategy: one resting buy of AAPL on its first tick.</summary>
    private sealed class SubmittingStrategy : IStrategy
    {
        private IStrategyContext? _context;
        private bool _sent;

        public StrategyThreading Threading => StrategyThreading.FastPath;

        public IReadOnlyList<Timeframe> Timeframes => [];

        public void OnStart(IStrategyContext context) => _context = context;

        public void OnTick(in Tick tick)
        {
            if (!_sent && tick.SymbolId == 0)
            {
                _sent = true;
                _context!.Submit(new StrategySignal { SymbolId = 0, Side = Side.Buy, Quantity = 3, OrderType = OrderType.Limit, LimitPriceRaw = FixedPoint.FromDecimal(97m), Reason = "other" });
            }
        }

        public void OnBar(in Orchestrator.Strategies.Bar bar)
        {
        }

        public void OnFill(in Fill fill)
        {
        }

        public void OnOrderUpdate(in OrderUpdate update)
        {
        }

        public void OnTimer(long eventTimeNs)
        {
        }
    }

    [Fact]
    public async Task AJournalReplay_RebuildsTheStrategy_WithoutCallingTheModel()
    {
        string journal = Directory.CreateTempSubdirectory("orc-llm-replay-").FullName;
        try
        {
            await using FakeModelServer server = await FakeModelServer.StartAsync();
            server.EnqueueText(Answer("""{"symbol":"AAPL","side":"BUY","confidence":0.8,"reason":"first"}"""));
            LlmStrategy live = NewStrategy(server, LlmSchedule.OnBarClose(Timeframe.OneMinute));
            using (var rig = new StrategyTestRig(Journaled(live, journal)))
            {
                for (int minute = 0; minute <= 3; minute++)
                {
                    rig.Publish(Trade(0, T0 + (minute * Minute), 100m + minute));
                    rig.WaitUntilQuiet();
                }

                Assert.Single(rig.OrdersOf("llm_a"));
            }

            Assert.Equal(3, server.Requests.Count);
            LlmStrategy replayed = NewStrategy(server, LlmSchedule.OnBarClose(Timeframe.OneMinute));
            JournalReplay replay = JournalReplayer.Replay(journal, Journaled(replayed, journal));

            Assert.Equal(3, server.Requests.Count); // not one call more
            Assert.Equal(0, replayed.Calls);
            Assert.Equal(3, replayed.SkippedWhileReplaying);
            Assert.Single(StrategyTestRig.OrdersOf(replay.Engine, "llm_a")); // its signal came back from the journal
        }
        finally
        {
            Directory.Delete(journal, recursive: true);
        }

        static EngineOptions Journaled(LlmStrategy strategy, string directory) =>
            StrategyTestRig.Options(["AAPL"], new StrategyRegistration("llm_a", strategy, ["AAPL"])) with { JournalDirectory = directory };
    }

    [Fact]
    public async Task TwoLlmStrategies_OneWithAHangingModel_DoNotBlockEachOther()
    {
        FakeModelServer server = await FakeModelServer.StartAsync();
        server.EnqueueHang(model: "stuck-model");
        LlmStrategy stuck = NewStrategy(server, LlmSchedule.OnBarClose(Timeframe.OneMinute), name: "stuck", model: "stuck-model", timeout: TimeSpan.FromMinutes(5));
        LlmStrategy steady = NewStrategy(server, LlmSchedule.OnBarClose(Timeframe.OneMinute), name: "steady", model: "steady-model");
        var rig = new StrategyTestRig(StrategyTestRig.Options(["AAPL"], new StrategyRegistration("stuck", stuck, ["AAPL"]), new StrategyRegistration("steady", steady, ["AAPL"])));
        try
        {
            for (int minute = 0; minute <= 3; minute++)
            {
                rig.Publish(Trade(0, T0 + (minute * Minute), 100m)); // no WaitUntilQuiet: the stuck strategy never settles
            }

            await server.WaitForRequestsAsync(4); // the stuck one's first call, and all three of the steady one's
            Assert.Equal(3, server.Requests.Count(r => r.Model == "steady-model"));
            Assert.Single(server.Requests, r => r.Model == "stuck-model");
            Assert.Equal(1, stuck.Calls); // still in its first call
        }
        finally
        {
            await server.DisposeAsync(); // ends the hanging call, so the stuck worker can stop
            rig.Dispose();
        }
    }

    /// <summary>A client that notes each call's <see cref="LlmStrategy.EventTimeProperty"/> and passes it on.</summary>
    private sealed class EventTimeProbe(Microsoft.Extensions.AI.IChatClient inner, List<object?> seen) : Microsoft.Extensions.AI.DelegatingChatClient(inner)
    {
        public override Task<Microsoft.Extensions.AI.ChatResponse> GetResponseAsync(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, Microsoft.Extensions.AI.ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            seen.Add(options?.AdditionalProperties?[LlmStrategy.EventTimeProperty]);
            return base.GetResponseAsync(messages, options, cancellationToken);
        }
    }
}
