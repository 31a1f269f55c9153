using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>Every pre-trade rule, passing and refusing, through the real handler chain.</summary>
public sealed class RiskManagerTests
{
    private const int Aapl = 0;
    private const int Msft = 1;
    private const long T0 = EngineHarness.T0;
    private const long Second = EngineHarness.Second;

    private static EngineHarness With(Func<RiskOptions, RiskOptions> risk)
    {
        EngineOptions defaults = EngineHarness.DefaultOptions();
        return new EngineHarness(defaults with { Risk = risk(defaults.Risk) });
    }

    [Fact]
    public void Signal_WithinEveryLimit_PassesAndBecomesAnOrder()
    {
        var h = new EngineHarness();
        h.Trade(Aapl, 175.50m);
        EngineEvent e = h.Signal(Aapl, Side.Buy);
        Assert.Equal(RejectReason.None, e.Reject);
        OrderCommand order = Assert.Single(h.TakeOrders());
        Assert.Equal(OrderCommandKind.SubmitOrder, order.Kind);
        Assert.Equal(10, order.Quantity);
        Assert.Equal(e.ClientOrderId, order.ClientOrderId);
    }

    [Fact]
    public void Signal_WhenKillSwitchEngaged_IsRejected_AndReleaseRestoresTrading()
    {
        var h = new EngineHarness();
        h.Trade(Aapl, 100m);
        h.Command(CommandKind.EngageKillSwitch);
        Assert.Equal(RejectReason.KillSwitch, h.Signal(Aapl, Side.Buy).Reject);
        h.Command(CommandKind.ReleaseKillSwitch);
        Assert.Equal(RejectReason.None, h.Signal(Aapl, Side.Buy, tsNs: T0 + 1).Reject);
    }

    [Fact]
    public void Signal_AfterDailyLossBeyondLimit_IsRejected()
    {
        var h = With(r => r with { MaxDailyLossFraction = 0.001m }); // 100 of 100,000
        h.Trade(Aapl, 100m);
        h.Trade(Msft, 50m);
        h.Open(Aapl, Side.Buy, 100m); // 10 shares
        h.Trade(Aapl, 95m, T0 + Second); // -50: within the limit
        Assert.Equal(RejectReason.None, h.Signal(Msft, Side.Buy, tsNs: T0 + 2 * Second).Reject);
        h.Trade(Aapl, 80m, T0 + 3 * Second); // -200: beyond
        Assert.Equal(RejectReason.MaxDailyLoss, h.Signal(Msft, Side.Buy, tsNs: T0 + 4 * Second).Reject);
    }

    [Fact]
    public void Signal_BelowMinimumConfidence_IsRejected()
    {
        var h = With(r => r with { MinConfidence = 0.7m });
        h.Trade(Aapl, 100m);
        Assert.Equal(RejectReason.LowConfidence, h.Signal(Aapl, Side.Buy, confidence: 0.69m).Reject);
        Assert.Equal(RejectReason.None, h.Signal(Aapl, Side.Buy, confidence: 0.7m).Reject);
    }

    [Fact]
    public void Signal_ForSymbolNotAllowed_IsRejected()
    {
        var h = With(r => r with { AllowedSymbols = ["MSFT"] });
        h.Trade(Aapl, 100m);
        h.Trade(Msft, 100m);
        Assert.Equal(RejectReason.SymbolNotAllowed, h.Signal(Aapl, Side.Buy).Reject);
        Assert.Equal(RejectReason.None, h.Signal(Msft, Side.Buy).Reject);
    }

    [Fact]
    public void Signal_OutsideTradingSession_IsRejected_IncludingSessionsThatWrapMidnight()
    {
        // T0 is 14:13:20 UTC.
        var day = With(r => r with { SessionStartUtc = TimeSpan.FromHours(14.5), SessionEndUtc = TimeSpan.FromHours(21) });
        day.Trade(Aapl, 100m);
        Assert.Equal(RejectReason.OutsideSession, day.Signal(Aapl, Side.Buy).Reject);
        Assert.Equal(RejectReason.None, day.Signal(Aapl, Side.Buy, tsNs: T0 + (20 * 60 * Second)).Reject);

        var night = With(r => r with { SessionStartUtc = TimeSpan.FromHours(22), SessionEndUtc = TimeSpan.FromHours(15) });
        night.Trade(Aapl, 100m);
        Assert.Equal(RejectReason.None, night.Signal(Aapl, Side.Buy).Reject);
    }

    [Fact]
    public void Signal_WithoutMarketData_IsRejected()
    {
        var h = new EngineHarness();
        Assert.Equal(RejectReason.NoMarketData, h.Signal(Aapl, Side.Buy).Reject);
    }

    [Fact]
    public void Signal_ForUnknownSymbolOrWithoutSide_IsRejectedAsInvalid()
    {
        var h = new EngineHarness();
        Assert.Equal(RejectReason.InvalidSignal, h.Signal(42, Side.Buy).Reject);
        h.Trade(Aapl, 100m);
        Assert.Equal(RejectReason.InvalidSignal, h.Signal(Aapl, Side.None).Reject);
        Assert.Equal(RejectReason.InvalidSignal, h.Signal(Aapl, Side.Buy, confidence: 1.5m).Reject);
        Assert.Empty(h.TakeOrders());
        Assert.Equal(3, h.Engine.Counters.Rejects(RejectReason.InvalidSignal));
    }

    [Fact]
    public void Signal_RepeatedWithinDuplicateWindow_IsRejected()
    {
        var h = With(r => r with { DuplicateWindow = TimeSpan.FromSeconds(2) });
        h.Trade(Aapl, 100m);
        Assert.Equal(RejectReason.None, h.Signal(Aapl, Side.Buy).Reject);
        Assert.Equal(RejectReason.DuplicateSignal, h.Signal(Aapl, Side.Buy, tsNs: T0 + Second).Reject);
        Assert.Equal(RejectReason.None, h.Signal(Aapl, Side.Buy, tsNs: T0 + 2 * Second).Reject);
    }

    [Fact]
    public void Signal_WhenOpenOrdersAtLimit_IsRejected()
    {
        var h = With(r => r with { MaxOpenOrders = 2 });
        h.Trade(Aapl, 100m);
        Assert.Equal(RejectReason.None, h.Signal(Aapl, Side.Buy).Reject);
        Assert.Equal(RejectReason.None, h.Signal(Aapl, Side.Buy).Reject);
        Assert.Equal(RejectReason.MaxOpenOrders, h.Signal(Aapl, Side.Buy).Reject);
    }

    [Fact]
    public void Signal_WithLimitFarFromLastPrice_IsRejectedByThePriceCollar()
    {
        var h = With(r => r with { PriceCollarFraction = 0.05m });
        h.Trade(Aapl, 100m);
        Assert.Equal(RejectReason.PriceCollar, h.Signal(Aapl, Side.Buy, limit: 106m).Reject);
        Assert.Equal(RejectReason.None, h.Signal(Aapl, Side.Buy, limit: 104m).Reject);
    }

    [Fact]
    public void Signal_WhenLastPriceRanAwayFromTheDaysReference_IsRejectedByThePriceCollar()
    {
        var h = With(r => r with { PriceCollarFraction = 0.05m });
        h.Trade(Aapl, 100m);
        h.Trade(Aapl, 94m, T0 + Second);
        Assert.Equal(RejectReason.PriceCollar, h.Signal(Aapl, Side.Buy, tsNs: T0 + 2 * Second).Reject);
    }

    [Theory]
    [InlineData(2, 0, 0, RejectReason.RateLimitPerSecond)]
    [InlineData(0, 2, 0, RejectReason.RateLimitPerMinute)]
    [InlineData(0, 0, 2, RejectReason.RateLimitPerDay)]
    public void Signal_BeyondOrderRate_IsThrottled(int perSecond, int perMinute, int perDay, RejectReason expected)
    {
        var h = With(r => r with { MaxOrdersPerSecond = perSecond, MaxOrdersPerMinute = perMinute, MaxOrdersPerDay = perDay });
        h.Trade(Aapl, 100m);
        Assert.Equal(RejectReason.None, h.Signal(Aapl, Side.Buy).Reject);
        Assert.Equal(RejectReason.None, h.Signal(Aapl, Side.Buy).Reject);
        Assert.Equal(expected, h.Signal(Aapl, Side.Buy).Reject);
    }

    [Fact]
    public void RateLimit_RefillsWithEventTime()
    {
        var h = With(r => r with { MaxOrdersPerSecond = 1 });
        h.Trade(Aapl, 100m);
        Assert.Equal(RejectReason.None, h.Signal(Aapl, Side.Buy).Reject);
        Assert.Equal(RejectReason.RateLimitPerSecond, h.Signal(Aapl, Side.Buy, tsNs: T0 + (Second / 2)).Reject);
        Assert.Equal(RejectReason.None, h.Signal(Aapl, Side.Buy, tsNs: T0 + Second).Reject);
    }

    [Fact]
    public void Rejection_IsCountedAndAudited_WithItsReason()
    {
        var h = new EngineHarness(EngineHarness.DefaultOptions() with { Risk = EngineHarness.DefaultOptions().Risk with { KillSwitchEngaged = true } }, startAudit: true);
        h.Trade(Aapl, 100m);
        h.Signal(Aapl, Side.Buy, signalId: 77);
        h.Engine.Audit.Shutdown(TimeSpan.FromSeconds(30));
        Assert.Equal(1, h.Engine.Counters.Rejects(RejectReason.KillSwitch));
        Assert.Contains(h.Audit.Lines, l => l.Message == "Risk check failed: AAPL BUY rejected (KillSwitch) [signal 77]");
    }
}

public sealed class AuditLevelTests
{
    /// <summary>Issue 15 item 22: a text from outside that reached the interner anyway is rendered on one line, its separators escaped.</summary>
    [Fact]
    public void AuditLine_EscapesLineSeparatorsAndBidiControlsOfOutsideTexts()
    {
        var sources = new Orchestrator.Core.TextInterner();
        var reasons = new Orchestrator.Core.TextInterner();
        var formatter = new Orchestrator.Engine.Audit.AuditFormatter(new Orchestrator.Core.SymbolTable(["AAPL"]), sources, reasons);

        (_, string message) = formatter.Format(new Orchestrator.Engine.Audit.AuditRecord
        {
            Kind = Orchestrator.Engine.Audit.AuditKind.SignalReceived,
            SymbolId = 0,
            Side = Orchestrator.Core.Side.Buy,
            SourceId = sources.Intern("agent\u202E"),
            ReasonTextId = reasons.Intern("dip\u2028Order filled: AAPL BUY 1000 @ 1.00\u2029\r\n\u2066x\u0085"),
        });

        Assert.DoesNotContain(message, c => c is '\u2028' or '\u2029' or '\r' or '\n' or '\u202E' or '\u2066' or '\u0085');
        Assert.Contains("dip\\u2028Order filled", message, StringComparison.Ordinal);
        Assert.Contains("agent\\u202E", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Orchestrator.Core.RejectReason.NoPosition, Orchestrator.Core.IntentOrigin.Rule, Orchestrator.Engine.Audit.AuditLevel.Info)]
    [InlineData(Orchestrator.Core.RejectReason.NoPosition, Orchestrator.Core.IntentOrigin.External, Orchestrator.Engine.Audit.AuditLevel.Warning)]
    [InlineData(Orchestrator.Core.RejectReason.KillSwitch, Orchestrator.Core.IntentOrigin.Rule, Orchestrator.Engine.Audit.AuditLevel.Warning)]
    public void Rejects_AreWarnings_ExceptARulesExitWithNothingToExit(Orchestrator.Core.RejectReason reason, Orchestrator.Core.IntentOrigin origin, Orchestrator.Engine.Audit.AuditLevel expected)
    {
        var formatter = new Orchestrator.Engine.Audit.AuditFormatter(new Orchestrator.Core.SymbolTable(["AAPL"]), new Orchestrator.Core.TextInterner(), new Orchestrator.Core.TextInterner());
        (Orchestrator.Engine.Audit.AuditLevel level, string message) = formatter.Format(new Orchestrator.Engine.Audit.AuditRecord
        {
            Kind = Orchestrator.Engine.Audit.AuditKind.RiskRejected,
            SymbolId = 0,
            Side = Orchestrator.Core.Side.Sell,
            Reason = reason,
            Origin = origin,
        });
        Assert.Equal(expected, level);
        Assert.Equal($"Risk check failed: AAPL SELL rejected ({reason})", message);
    }
}
