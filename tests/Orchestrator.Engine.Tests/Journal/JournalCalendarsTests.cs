using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Journal;

/// <summary>
/// The calendars setting is pinned in the journal (issue 19): recorded at its first start, it is the one replay and
/// every later start on the journal decide by, whatever the configuration says then.
/// </summary>
public sealed class JournalCalendarsTests
{
    private static long Ns(int year, int month, int day, int hour, int minute) =>
        (new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private static EngineOptions Options(string journal, bool calendars) => EngineHarness.DefaultOptions() with
    {
        Symbols = ["005930", "AAPL"],
        UseExchangeCalendars = calendars,
        JournalDirectory = journal,
    };

    [Fact]
    public void ANewJournal_RecordsTheSetting_AndALaterStartConfiguredOtherwise_KeepsIt_AndSaysWhy()
    {
        using var dir = new TempDirectory();
        var first = new TradingEngine(Options(dir.Path, calendars: true), NullAuditWriter.Instance);
        Assert.NotNull(first.Calendars);
        first.Shutdown(TimeSpan.FromSeconds(5));
        Assert.Equal(JournalCalendars.Describe(true), JournalCalendars.Read(dir.Path)!.Value.Text);
        Assert.StartsWith("exchange XKRX=", JournalCalendars.Describe(true), StringComparison.Ordinal);
        Assert.Null(JournalCalendars.Difference(dir.Path, configured: true));

        var later = new TradingEngine(Options(dir.Path, calendars: false), NullAuditWriter.Instance);
        Assert.NotNull(later.Calendars);
        later.Shutdown(TimeSpan.FromSeconds(5));
        string note = JournalCalendars.Difference(dir.Path, configured: false)!;
        Assert.Contains("calendars: exchange as recorded at the journal's first start", note, StringComparison.Ordinal);
        Assert.Contains("not the configured utc", note, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_UnderAnotherConfiguredSetting_DecidesAsTheJournaledSessionDid()
    {
        // Written with exchange calendars: a Day buy of 005930 at 11:00 KST on Seollal (9 Feb 2024) was refused.
        using var dir = new TempDirectory();
        Assert.True(JournalCalendars.Resolve(dir.Path, proposed: true));
        long ts = Ns(2024, 2, 9, 2, 0);
        using (var writer = new JournalWriter(dir.Path, new JournalOptions { Fsync = JournalFsync.None }, ["005930", "AAPL"]))
        {
            var tick = new EngineEvent { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = FixedPoint.FromDecimal(100m), Size = 100, TsEventNs = ts };
            var signal = new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = 0, SignalSide = Side.Buy, ConfidencePpm = 900_000, SignalOrderType = OrderType.Market, SignalTif = TimeInForce.Day, SignalId = 1, TsEventNs = ts };
            writer.AppendEvent(in tick, 0);
            writer.AppendEvent(in signal, 1);
            writer.Flush();
        }

        JournalReplay replay = JournalReplayer.Replay(dir.Path, Options(journal: null!, calendars: false) with { JournalDirectory = null });

        Assert.NotNull(replay.Engine.Calendars);
        Assert.Equal(0, replay.Engine.Orders.OpenCount); // on UTC rules the order would have been made
        Assert.Equal(1, replay.Engine.Counters.Rejects(RejectReason.OutsideSession));
    }

    [Fact]
    public void AnUnreadableFile_IsAnErrorNamingIt()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, JournalCalendars.FileName), "lunar\n");
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => JournalCalendars.Read(dir.Path));
        Assert.Contains(JournalCalendars.FileName + ": expected the journal's calendars setting (exchange or utc), got 'lunar'", ex.Message, StringComparison.Ordinal);
    }
}
