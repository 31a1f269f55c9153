using System.Buffers;
using System.Text;
using Orchestrator.Adapters.SignalGateway;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>The gateway's per-message path allocates nothing once its texts were seen.</summary>
public sealed class GatewayAllocationTests
{
    [Fact]
    public async Task ParsePublishAckAndOutcome_SteadyState_AllocateNothing()
    {
        // The real engine (running, so outcomes arrive) with a slot driven on the test thread: the
        // line processor parses and publishes, the slot formats acks and outcomes into a buffer.
        await using var rig = new GatewayRig();
        var options = new GatewayOptions { Port = 0, MaxInFlight = 1024 };
        var slot = new GatewaySlot(200, options.MaxInFlight); // a slot the gateway's outcome consumer does not know: acks only
        var lines = new LineProcessor(rig.Engine, slot, new GatewayCounters(), options, null, () => GatewayRig.T0, "test", new SourceClaims(rig.Engine));
        const int Batch = 500, Batches = 20; // 10,000 lines
        var text = new StringBuilder();
        for (int i = 0; i < Batch; i++)
        {
            // Half the lines carry a full order intent (issue 17), some with protective exits and a trail
            // or as an amend or cancel (issue 19): their fields parse without allocating too.
            string intent = (i % 8) switch
            {
                < 4 => "\"price\":101.25",
                4 => "\"order_type\":\"Stop_Limit\",\"limit_price\":101.25,\"stop_price\":101,\"tif\":\"ioc\",\"quantity\":5",
                5 => "\"action\":\"amend\",\"order_id\":\"17\",\"limit_price\":101.5,\"quantity\":5",
                6 => "\"limit_price\":101.25,\"take_profit\":110,\"stop_loss_pct\":2.5,\"trail_percent\":1.5,\"tif\":\"opg\"",
                _ => "\"action\":\"cancel\",\"order_id\":17",
            };
            text.Append("{\"symbol\":\"AAPL\",\"side\":\"").Append(i % 2 == 0 ? "BUY" : "SELL").Append("\",\"confidence\":0.75,").Append(intent).Append(",\"reason\":\"mean reversion\",\"source\":\"strategy_agent\",\"id\":\"sig-")
                .Append(i).Append("\"}\n");
        }

        byte[] payload = Encoding.UTF8.GetBytes(text.ToString());
        var output = new ArrayBufferWriter<byte>(1 << 20);

        Assert.True(RunBatch(lines, slot, payload, output)); // warm-up: interns the texts, JITs the path
        bool allConsumed = true;
        long[] allocated = AllocationWindows.Measure(5, Batches / 5, 0, _ => allConsumed &= RunBatch(lines, slot, payload, output));

        Assert.True(allConsumed);
        Assert.Equal((Batches + 1) * Batch, slot.Lines);
        Assert.True(AllocationWindows.AtMostOneWindowAllocated(allocated), AllocationWindows.Describe(allocated));
        Assert.Contains("\"status\":\"accepted\"", Encoding.UTF8.GetString(output.WrittenSpan), StringComparison.Ordinal);
    }

    /// <summary>Idle, the gateway's only periodic work is its timeout sweep (every second by default): it allocates nothing.</summary>
    [Fact]
    public async Task IdleSweep_WithAConnectedIdleClient_AllocatesNothing()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clock = new SweepClock();
        await using var rig = new GatewayRig(new GatewayOptions { Port = 0, Time = clock });
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await client.SendAsync("{\"id\":\"s1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n", guard.Token);
        Assert.NotNull(await client.ReadAsync(guard.Token)); // connected and answered: now idle
        for (int i = 0; i < 100; i++)
        {
            clock.Fire(); // warm
        }

        long[] allocated = AllocationWindows.Measure(5, 2_000, 0, _ => clock.Fire());

        Assert.True(AllocationWindows.AtMostOneWindowAllocated(allocated), AllocationWindows.Describe(allocated));
        Assert.Equal(1, rig.Gateway.Counters.ActiveConnections); // swept, not timed out
    }

    /// <summary>The system clock, except that the gateway's sweep timer fires when the test calls <see cref="Fire"/>, on the test's thread.</summary>
    private sealed class SweepClock : TimeProvider
    {
        private TimerCallback? _callback;
        private object? _state;

        public void Fire() => _callback!(_state);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _callback = callback;
            _state = state;
            return base.CreateTimer(static _ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    [Fact]
    public void Outcome_Formatting_AllocatesNothing()
    {
        var output = new ArrayBufferWriter<byte>(1 << 20);
        var slot = new GatewaySlot(3, 1024);
        long signalId = slot.NextSignalId;
        slot.Prepare(signalId, "abc"u8, hasId: true);
        slot.Commit(17);
        slot.Decide(signalId, Core.RejectReason.MaxOpenOrders, 0);
        slot.WriteAnswers(output, out _); // warm-up
        output.ResetWrittenCount();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            long id = slot.NextSignalId;
            slot.Prepare(id, "abc"u8, hasId: true);
            slot.Commit(18 + i);
            slot.Decide(id, i % 2 == 0 ? Core.RejectReason.None : Core.RejectReason.MaxOpenOrders, i % 2 == 0 ? 1000 + i : 0);
            slot.WriteAnswers(output, out _);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        string written = Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.Equal(0, allocated);
        Assert.Contains("{\"id\":\"abc\",\"seq\":18,\"status\":\"ordered\",\"order_id\":\"1000\"}\n", written, StringComparison.Ordinal);
        Assert.Contains("{\"id\":\"abc\",\"seq\":19,\"status\":\"risk_rejected\",\"reason\":\"MaxOpenOrders\"}\n", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutcomeConsumer_DecideAndWakeTheWriter_AllocatesNothingOnTheEngineThread()
    {
        // The handler as the engine's outcome thread calls it (here: the test thread), with a
        // writer really awaiting the slot's signal on the thread pool.
        var slots = new[] { new GatewaySlot(0, 1024) };
        var counters = new GatewayCounters();
        var handler = new SignalOutcomeHandler(slots, counters);
        using var stop = new CancellationTokenSource();
        int wakes = 0;
        Task writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await slots[0].Work.WaitAsync();
                Interlocked.Increment(ref wakes);
            }
        });

        // Each round waits (spinning, allocation-free) until the writer woke: the set finds it
        // awaiting (completion queued to the pool) or just back from a wake (remembered) — both paths.
        void Round(int i)
        {
            int woken = Volatile.Read(ref wakes);
            long id = slots[0].NextSignalId;
            slots[0].Prepare(id, default, hasId: false);
            slots[0].Commit(i);
            var e = new Core.EngineEvent { Kind = Core.EventKind.TradeSignal, SignalId = id, Reject = i % 2 == 0 ? Core.RejectReason.None : Core.RejectReason.NoMarketData, ClientOrderId = i % 2 == 0 ? i + 1 : 0 };
            handler.OnEvent(ref e, i, endOfBatch: true);
            slots[0].WriteAnswers(null, out _);
            var spin = default(SpinWait);
            while (Volatile.Read(ref wakes) == woken && !stop.IsCancellationRequested)
            {
                spin.SpinOnce(); // test-only wait for the writer, bounded by the hang guard below
            }
        }

        stop.CancelAfter(TimeSpan.FromSeconds(60)); // hang guard
        for (int i = 0; i < 100; i++)
        {
            Round(i); // warm-up
        }

        // Four windows of 2,000 rounds (AllocationWindows says why at most one may allocate).
        const int Windows = 4, RoundsPerWindow = 2_000;
        int wakesBefore = Volatile.Read(ref wakes);
        long[] allocated = AllocationWindows.Measure(Windows, RoundsPerWindow, 100, Round);

        int measuredWakes = Volatile.Read(ref wakes) - wakesBefore;
        Assert.False(stop.IsCancellationRequested, "the writer stopped waking");
        stop.Cancel();
        slots[0].Work.Set();
        await writer.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(AllocationWindows.AtMostOneWindowAllocated(allocated), "on the engine thread, " + AllocationWindows.Describe(allocated));
        Assert.Equal(100 + (Windows * RoundsPerWindow), counters.Ordered + counters.RiskRejected);
        Assert.True(measuredWakes >= Windows * RoundsPerWindow, measuredWakes.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>One batch of lines through parse → publish → ack; true if every line was consumed.</summary>
    private static bool RunBatch(LineProcessor lines, GatewaySlot slot, byte[] payload, ArrayBufferWriter<byte> output)
    {
        var buffer = new ReadOnlySequence<byte>(payload);
        ProcessResult result = lines.Process(ref buffer);
        output.ResetWrittenCount();
        slot.WriteAnswers(output, out _); // acks; the outcomes of an unknown slot never come, so settle by hand below
        SettleAll(slot);
        return result == ProcessResult.NeedMore && buffer.IsEmpty;
    }

    private static void SettleAll(GatewaySlot slot)
    {
        // Outcomes of slot 200 are ignored by the gateway (not one of its slots): decide them here
        // so the table frees, exactly as the outcome consumer would.
        for (long line = slot.Settled; line < slot.Lines; line++)
        {
            long id = Core.SignalLimits.GatewaySignalIdBase + (200L << 32) + (line & 0xFFFF_FFFF);
            slot.Decide(id, Core.RejectReason.None, 0);
        }

        slot.WriteAnswers(null, out _);
    }
}
