using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Daemon.Tests;

/// <summary>A journaled session, replayed: the rebuilt state equals the state the session ended with.</summary>
public sealed class JournalReplayTests : IDisposable
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-journal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SessionOptions Options()
    {
        SessionOptions defaults = DaemonCli.BuildOptions(seed: 9, ticksPerSecond: 20_000, WaitStrategyKind.Blocking);
        return defaults with
        {
            MaxTicks = 8_000,
            CancelOpenOrdersOnShutdown = false, // the state to compare includes working orders
            Engine = defaults.Engine with { JournalDirectory = _dir, Journal = new JournalOptions { Fsync = JournalFsync.None } },
        };
    }

    [Fact]
    public async Task ReplayingTheJournal_RebuildsTheSessionsState()
    {
        SessionOptions options = Options();
        using (var session = new TradingSession(options, NullAuditWriter.Instance))
        {
            session.Start("test");
            await session.FeedCompletion.WaitAsync(s_hang);
            Assert.Equal(ShutdownResult.Drained, session.Stop());
            TradingEngine live = session.Engine;
            Assert.True(live.Counters.Fills > 5, "the session traded");

            JournalReplay replay = JournalReplayer.Replay(_dir, options.Engine with { StartingCash = options.Engine.StartingCash * 2 }); // the recorded starting cash wins
            TradingEngine rebuilt = replay.Engine;
            Assert.Null(replay.TornTail);
            Assert.Equal(live.Counters.Events, replay.Events.Values.Sum());
            Assert.Equal(live.Portfolio.CashRaw, rebuilt.Portfolio.CashRaw);
            Assert.Equal(live.Portfolio.EquityRaw, rebuilt.Portfolio.EquityRaw);
            Assert.Equal(live.Counters.OrdersSubmitted, rebuilt.Counters.OrdersSubmitted);
            Assert.Equal(live.Counters.Fills, rebuilt.Counters.Fills);
            Assert.Equal(live.Orders.OpenCount, rebuilt.Orders.OpenCount);
            for (int s = 0; s < live.Symbols.Count; s++)
            {
                Assert.Equal(live.Portfolio.Quantity(s), rebuilt.Portfolio.Quantity(s));
                Assert.Equal(live.Portfolio.RealizedRaw(s), rebuilt.Portfolio.RealizedRaw(s));
            }
        }
    }

    [Fact]
    public async Task ReplayJson_GivesTheSessionsCashPositionsAndEveryOrderWithItsFills()
    {
        SessionOptions options = Options() with { MaxTicks = 4_000 };
        using var session = new TradingSession(options, NullAuditWriter.Instance);
        session.Start("test");
        await session.FeedCompletion.WaitAsync(s_hang);
        Assert.Equal(ShutdownResult.Drained, session.Stop());
        TradingEngine live = session.Engine;
        Assert.True(live.Counters.Fills > 5, "the session traded");

        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, ReplayCommand.Run(_dir, Path.Combine(_dir, "no-config"), output, error, json: true));
        using var json = System.Text.Json.JsonDocument.Parse(output.ToString());
        System.Text.Json.JsonElement root = json.RootElement;

        Assert.Equal(Core.FixedPoint.ToDecimal(live.Portfolio.CashRaw), root.GetProperty("cash").GetDecimal());
        Assert.Equal(live.Counters.OrdersSubmitted, root.GetProperty("orders_submitted").GetInt64());
        Assert.Equal(live.Orders.OpenCount, root.GetProperty("open_orders").GetInt32());
        Assert.Equal(0, root.GetProperty("orders_overwritten").GetInt64());
        var netFilled = new Dictionary<string, long>(StringComparer.Ordinal);
        int orders = 0;
        foreach (System.Text.Json.JsonElement order in root.GetProperty("orders").EnumerateArray())
        {
            Assert.True(live.Orders.TryFind(order.GetProperty("client_order_id").GetInt64(), out int slot));
            Assert.Equal(live.Orders[slot].FilledQuantity, order.GetProperty("filled").GetInt64());
            Assert.Equal(live.Orders[slot].Status.ToString(), order.GetProperty("status").GetString());
            string symbol = order.GetProperty("symbol").GetString()!;
            long signedFill = order.GetProperty("side").GetString() == nameof(Core.Side.Buy) ? order.GetProperty("filled").GetInt64() : -order.GetProperty("filled").GetInt64();
            netFilled[symbol] = netFilled.GetValueOrDefault(symbol) + signedFill;
            orders++;
        }

        Assert.Equal(live.Orders.Created, orders);
        foreach (System.Text.Json.JsonElement position in root.GetProperty("positions").EnumerateArray())
        {
            Assert.True(live.Symbols.TryGetId(position.GetProperty("symbol").GetString()!, out int id));
            Assert.Equal(live.Portfolio.Quantity(id), position.GetProperty("quantity").GetInt64());
            Assert.Equal(live.Portfolio.Quantity(id), netFilled.GetValueOrDefault(position.GetProperty("symbol").GetString()!)); // the session started flat
        }
    }

    [Fact]
    public async Task ATornJournal_IsCutAtTheNextStart_AndTheJournalContinues()
    {
        SessionOptions options = Options() with { MaxTicks = 500 };
        using (var first = new TradingSession(options, NullAuditWriter.Instance))
        {
            first.Start("test");
            await first.FeedCompletion.WaitAsync(s_hang);
            first.Stop();
        }

        // A crash mid-write: half a record of garbage at the end of the last segment.
        string segment = JournalReader.ListSegments(_dir)[^1];
        long good = new FileInfo(segment).Length;
        await using (FileStream f = File.Open(segment, FileMode.Append))
        {
            await f.WriteAsync(new byte[] { 40, 0, 0, 0, 1, 2, 3 });
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, ReplayCommand.Run(_dir, Path.Combine(_dir, "no-config"), output, error));
        Assert.Contains("torn last record", output.ToString(), StringComparison.Ordinal);

        using var second = new TradingSession(options, NullAuditWriter.Instance);
        second.Start("test");
        Assert.Equal(good, second.Engine.JournalTornTail!.GoodLength);
        await second.FeedCompletion.WaitAsync(s_hang);
        second.Stop();
        JournalReplay replay = JournalReplayer.Replay(_dir, options.Engine);
        Assert.Null(replay.TornTail);
        Assert.Equal(1_000, replay.Events.GetValueOrDefault(Core.EventKind.TradeTick));
    }

    [Fact]
    public async Task ARestartWithTheJournal_RecoversTheState_BeforeAnyNewInput()
    {
        SessionOptions options = Options() with { MaxTicks = 4_000, CancelOpenOrdersOnShutdown = true };
        long cash;
        long[] positions;
        long fills;
        using (var first = new TradingSession(options, NullAuditWriter.Instance))
        {
            first.Start("test");
            await first.FeedCompletion.WaitAsync(s_hang);
            first.Stop();
            cash = first.Engine.Portfolio.CashRaw;
            positions = [.. Enumerable.Range(0, first.Engine.Symbols.Count).Select(first.Engine.Portfolio.Quantity)];
            fills = first.Engine.Counters.Fills;
            Assert.True(fills > 0);
        }

        // The engine alone (not started): what the restarted daemon has before its first new event —
        // from the cash the journal started with, whatever cash the venue or configuration says now.
        var restarted = new TradingEngine(options.Engine with { StartingCash = options.Engine.StartingCash * 3 }, NullAuditWriter.Instance);
        Assert.Equal(Core.FixedPoint.FromDecimal(options.Engine.StartingCash), restarted.Portfolio.StartingCashRaw);
        Assert.NotNull(restarted.Recovery);
        Assert.Equal(cash, restarted.Portfolio.CashRaw);
        Assert.Equal(positions, Enumerable.Range(0, restarted.Symbols.Count).Select(restarted.Portfolio.Quantity));
        Assert.Equal(fills, restarted.Counters.Fills);
        Assert.Equal(-1, restarted.Outbound.Cursor); // nothing was resent
        Assert.Equal(0, restarted.Orders.OpenCount);
        restarted.Shutdown(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ASessionWithSnapshots_RecoversFromTheNewest_ToTheSameState_AndReplayListsThem()
    {
        SessionOptions options = Options() with { MaxTicks = 3_000, FeedTicksPerSecond = 3_000, SnapshotInterval = TimeSpan.FromMilliseconds(100) };
        byte[] state;
        using (var session = new TradingSession(options, NullAuditWriter.Instance))
        {
            session.Start("test");
            await session.FeedCompletion.WaitAsync(s_hang);

            // The interval is a timer on the slow path: on a loaded machine the one-second feed can end
            // before its first tick. The session keeps taking snapshots after the feed; wait for one.
            await Waits.UntilAsync(() => session.Engine.Checkpoints!.Written > 0, "the session must write snapshots", s_hang);
            Assert.Equal(ShutdownResult.Drained, session.Stop());
            state = session.Engine.CaptureState();
        }

        Assert.InRange(SnapshotFile.List(_dir).Length, 1, SnapshotFile.Keep);
        var restarted = new TradingEngine(options.Engine, NullAuditWriter.Instance);
        Assert.NotNull(restarted.Recovery!.Snapshot);
        Assert.True(restarted.CaptureState().AsSpan().SequenceEqual(state), "snapshot + tail must rebuild the session's state");
        restarted.Shutdown(TimeSpan.FromSeconds(10));

        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, ReplayCommand.Run(_dir, Path.Combine(_dir, "no-config"), output, error));
        Assert.Contains("snapshot snapshot-", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("covers journal sequence", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1m", 60_000)]
    [InlineData("30s", 30_000)]
    [InlineData("0", 0)]
    [InlineData("off", 0)]
    public void SnapshotInterval_Parses(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DaemonCli.ParseSnapshotInterval(text, out _));

    [Fact]
    public void SnapshotInterval_Unreadable_SaysWhy()
    {
        Assert.Null(DaemonCli.ParseSnapshotInterval("often", out string? error));
        Assert.Contains("often", error, StringComparison.Ordinal);
    }
}
