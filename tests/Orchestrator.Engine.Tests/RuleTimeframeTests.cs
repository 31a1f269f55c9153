using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Tests.Support;
using Orchestrator.Strategies;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// Issue 20, multiple timeframes: the built-in rules on a timeframe (<see cref="RuleOptions.Timeframe"/>) compute on
/// closed bars of that length, built on event time from whatever comes in (1-minute feed bars, trades), and decide
/// once per closed bar, on the input that closes it.
/// </summary>
public sealed class RuleTimeframeTests
{
    private const long Minute = 60 * EngineHarness.Second;
    private const long T = EngineHarness.T0 - (EngineHarness.T0 % (5 * Minute)); // on the five-minute grid

    private static EngineHarness Harness(Timeframe? timeframe, bool calendars = false) => new(EngineHarness.DefaultOptions() with
    {
        Rules = new RuleOptions { MomentumEnabled = true, RsiReversionEnabled = true, MomentumFastPeriod = 3, MomentumSlowPeriod = 8, RsiPeriod = 4, Timeframe = timeframe },
        UseExchangeCalendars = calendars,
    });

    /// <summary>A deterministic wavy 1-minute series: (open, high, low, close, volume) per minute.</summary>
    private static (long O, long H, long L, long C, long V)[] Minutes(int count)
    {
        var bars = new (long, long, long, long, long)[count];
        long previous = 100_000_000;
        for (int i = 0; i < count; i++)
        {
            long close = 100_000_000 + (long)(Math.Sin(i / 17.0) * 5_000_000) + (long)(Math.Cos(i / 3.0) * 700_000);
            bars[i] = (previous, Math.Max(previous, close) + 100_000 + (i % 7 * 10_000), Math.Min(previous, close) - 80_000, close, 100 + (i % 11));
            previous = close;
        }

        return bars;
    }

    private static EngineEvent Bar(long tsNs, (long O, long H, long L, long C, long V) b) => new()
    {
        Kind = EventKind.Bar, SymbolId = 0, TsEventNs = tsNs, OpenRaw = b.O, HighRaw = b.H, LowRaw = b.L, PriceRaw = b.C, Size = b.V,
    };

    /// <summary>The 1-minute series aggregated by hand into 5-minute bars (first open, max high, min low, last close, sum of volume).</summary>
    private static (long O, long H, long L, long C, long V)[] FiveMinutes((long O, long H, long L, long C, long V)[] minutes) =>
        [.. minutes.Chunk(5).Select(c => (c[0].O, c.Max(b => b.H), c.Min(b => b.L), c[^1].C, c.Sum(b => b.V)))];

    [Fact]
    public void OneMinuteBars_OnAFiveMinuteTimeframe_DecideAsFiveMinuteBarsDo_OneBarLater()
    {
        (long O, long H, long L, long C, long V)[] minutes = Minutes(2_000);
        (long O, long H, long L, long C, long V)[] fives = FiveMinutes(minutes);

        // The reference: the rules on every event of a 5-minute file (a bar stamped at its start).
        EngineHarness reference = Harness(timeframe: null);
        var expected = new List<(long Ts, Side Side)>();
        for (int i = 0; i < fives.Length; i++)
        {
            EngineEvent e = reference.Process(Bar(T + (i * 5 * Minute), fives[i]));
            if (e.Origin == IntentOrigin.Rule)
            {
                expected.Add((e.TsEventNs + (5 * Minute), e.IntentSide)); // decided when the next 1-minute input closes the bar
            }
        }

        EngineHarness aggregated = Harness(Timeframe.FiveMinutes);
        var actual = new List<(long Ts, Side Side)>();
        for (int i = 0; i < minutes.Length; i++)
        {
            EngineEvent e = aggregated.Process(Bar(T + (i * Minute), minutes[i]));
            if (e.Origin == IntentOrigin.Rule)
            {
                actual.Add((e.TsEventNs, e.IntentSide));
            }
        }

        EngineEvent last = aggregated.Process(Bar(T + (minutes.Length * Minute), minutes[^1])); // closes the last 5-minute bar
        if (last.Origin == IntentOrigin.Rule)
        {
            actual.Add((last.TsEventNs, last.IntentSide));
        }

        Assert.True(expected.Count > 10, "the series must make the rules trade");
        Assert.Equal(expected, actual);

        // The rules' indicators saw the same bars: same values; the engine's own (per event) are untouched.
        Assert.Equal(reference.Engine.SignalEngine.Indicators(0).EmaSlow.Value, aggregated.Engine.SignalEngine.RuleIndicators(0).EmaSlow.Value, 9);
        Assert.Equal(reference.Engine.SignalEngine.Indicators(0).Atr.Value, aggregated.Engine.SignalEngine.RuleIndicators(0).Atr.Value, 9);
        Assert.Equal(minutes.Length + 1, aggregated.Engine.SignalEngine.Indicators(0).Count);
    }

    [Fact]
    public void Trades_OnATimeframe_DecideOnlyOnTheInputThatClosesABar()
    {
        EngineHarness h = Harness(Timeframe.OneMinute);
        int decidedMidBar = 0, closes = 0;
        for (int i = 0; i < 3_000; i++)
        {
            long ts = T + (i * 7 * EngineHarness.Second); // 7 s apart: some minutes hold 8 trades, some 9
            decimal price = 100m + (decimal)Math.Round(Math.Sin(i / 40.0) * 3, 2);
            bool closesBar = i > 0 && (ts / Minute) != ((ts - (7 * EngineHarness.Second)) / Minute);
            EngineEvent e = h.Trade(0, price, ts);
            closes += closesBar ? 1 : 0;
            if (e.Origin == IntentOrigin.Rule && !closesBar)
            {
                decidedMidBar++;
            }
        }

        Assert.Equal(0, decidedMidBar);
        Assert.True(h.Engine.Counters.RuleSignals > 2, "the rules must trade on the bars");
        Assert.Equal(closes, h.Engine.SignalEngine.RuleIndicators(0).Count);
    }

    private static EngineHarness Rules(bool momentum, bool rsi, Timeframe? shared, RuleBars? momentumBars = null, RuleBars? rsiBars = null) => new(EngineHarness.DefaultOptions() with
    {
        Rules = new RuleOptions
        {
            MomentumEnabled = momentum, RsiReversionEnabled = rsi, MomentumFastPeriod = 3, MomentumSlowPeriod = 8, RsiPeriod = 4,
            Timeframe = shared, MomentumBars = momentumBars, RsiReversionBars = rsiBars,
        },
    });

    [Theory]
    [InlineData("5m", "1m", null)]   // both their own
    [InlineData("15m", null, "5m")]  // momentum its own, RSI reversion the shared 5m
    [InlineData(null, "tick", "5m")] // RSI reversion on every input though the shared timeframe is 5m
    public void PerRuleTimeframes_EachRuleDecides_AsItDoesAloneOnItsBars_MomentumFirst(string? momentumText, string? rsiText, string? sharedText)
    {
        Timeframe? shared = sharedText is null ? null : Timeframe.Parse(sharedText);
        RuleBars? momentumBars = momentumText is null ? null : new RuleBars(Timeframe.Parse(momentumText));
        RuleBars? rsiBars = rsiText is null ? null : rsiText == "tick" ? RuleBars.Tick : new RuleBars(Timeframe.Parse(rsiText));
        EngineHarness both = Rules(true, true, shared, momentumBars, rsiBars);
        EngineHarness momentumAlone = Rules(true, false, momentumBars is { } m ? m.Timeframe : shared);
        EngineHarness rsiAlone = Rules(false, true, rsiBars is { } r ? r.Timeframe : shared);
        Assert.True(both.Engine.SignalEngine.RulesSplit);

        (long O, long H, long L, long C, long V)[] minutes = Minutes(3_000);
        int momentumSignals = 0, rsiSignals = 0, rsiOffMomentumBar = 0;
        for (int i = 0; i < minutes.Length; i++)
        {
            EngineEvent e = both.Process(Bar(T + (i * Minute), minutes[i]));
            EngineEvent em = momentumAlone.Process(Bar(T + (i * Minute), minutes[i]));
            EngineEvent er = rsiAlone.Process(Bar(T + (i * Minute), minutes[i]));
            Side expected = em.Origin == IntentOrigin.Rule ? em.IntentSide : er.Origin == IntentOrigin.Rule ? er.IntentSide : Side.None;
            Assert.Equal(expected, e.Origin == IntentOrigin.Rule ? e.IntentSide : Side.None);
            momentumSignals += em.Origin == IntentOrigin.Rule ? 1 : 0;
            rsiSignals += er.Origin == IntentOrigin.Rule ? 1 : 0;
            rsiOffMomentumBar += er.Origin == IntentOrigin.Rule && em.Origin != IntentOrigin.Rule && both.Engine.SignalEngine.RuleTimeframe is { } mt && (T + (i * Minute)) % mt.DurationNs != 0 ? 1 : 0;
        }

        Assert.True(momentumSignals > 3 && rsiSignals > 3, $"both rules must trade ({momentumSignals}, {rsiSignals})");
        Assert.True(rsiOffMomentumBar > 0 || both.Engine.SignalEngine.RuleTimeframe is null, "RSI reversion must decide between momentum's bar closes");
        Assert.Equal(momentumAlone.Engine.SignalEngine.RuleIndicators(0).EmaSlow.Value, both.Engine.SignalEngine.RuleIndicators(0).EmaSlow.Value);
        Assert.Equal(rsiAlone.Engine.SignalEngine.RuleIndicators(0).Rsi.Value, both.Engine.SignalEngine.RsiReversionIndicators(0).Rsi.Value);
        Assert.Equal(rsiAlone.Engine.SignalEngine.RuleIndicators(0).Count, both.Engine.SignalEngine.RsiReversionIndicators(0).Count);
    }

    [Fact]
    public void EqualOwnTimeframes_AreOneLane_AsTheSharedTimeframe()
    {
        EngineHarness own = Rules(true, true, shared: null, new RuleBars(Timeframe.FiveMinutes), new RuleBars(Timeframe.FiveMinutes));
        Assert.False(own.Engine.SignalEngine.RulesSplit);
        Assert.Equal(Timeframe.FiveMinutes, own.Engine.SignalEngine.RuleTimeframe);
        Assert.Same(own.Engine.SignalEngine.RuleIndicators(0), own.Engine.SignalEngine.RsiReversionIndicators(0));

        EngineHarness disabled = Rules(true, false, Timeframe.OneHour, rsiBars: new RuleBars(Timeframe.OneMinute)); // RSI reversion off: its bars do not count
        Assert.False(disabled.Engine.SignalEngine.RulesSplit);
        Assert.Equal(Timeframe.OneHour, disabled.Engine.SignalEngine.RuleTimeframe);
    }

    [Fact]
    public void WithoutATimeframe_TheRulesReadTheEnginesIndicators_AsBefore()
    {
        EngineHarness h = Harness(timeframe: null);
        Assert.Same(h.Engine.SignalEngine.Indicators(0), h.Engine.SignalEngine.RuleIndicators(0));
        Assert.Null(h.Engine.SignalEngine.RuleTimeframe);
    }
}
