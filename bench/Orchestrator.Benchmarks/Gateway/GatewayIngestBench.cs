using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Orchestrator.Adapters.Paper;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Benchmarks.Gateway;

/// <summary>
/// Gateway ingest over loopback, end to end on one machine (<c>--gateway</c>):
/// <code>
///  N client threads ──TCP 127.0.0.1──▶ gateway (PipeReader, Utf8JsonReader, per connection)
///   (pre-built lines,                      │ TryNext/Publish (multi-producer)
///    blocking sends)                       ▼
///                         inbound ring ─▶ signal ▸ risk ▸ sizing ▸ orders (one thread) ─▶ paper broker
///                                              └─▶ outcome consumer ─▶ per-connection writer ─▶ clients
///  N reader threads ◀── acks + outcomes ──────────────────────────────────────────────┘
/// </code>
/// A real engine (journal off, blocking wait strategy, paper broker with a trade every ms; market
/// signals alternating BUY/SELL of one share), every signal answered with an ack and an outcome. Throughput:
/// signals acked per second from the first send to the last ack. Ack latency: from the moment a
/// chunk of lines was handed to the socket to the moment each line's ack is read (HdrHistogram
/// via <see cref="LatencyRecorder"/>), so it includes waiting behind earlier lines of the chunk.
/// Clients, gateway, engine and broker all share this machine's cores.
/// </summary>
internal static class GatewayIngestBench
{
    private static int LinesPerChunk = 256;

    public static int Run(TextWriter output, string[] args)
    {
        int clients = IntArg(args, "--clients", 4);
        int signals = IntArg(args, "--signals", 2_000_000);
        int rate = IntArg(args, "--rate", 0); // offered signals/s over all connections; 0 = as fast as possible
        LinesPerChunk = IntArg(args, "--chunk", rate > 0 ? 16 : 256);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# gateway ingest: {Environment.ProcessorCount} cores, {clients} connections over loopback, {LinesPerChunk} lines per send, offered {(rate > 0 ? rate.ToString(CultureInfo.InvariantCulture) + "/s" : "as fast as possible")}, real engine + paper broker, journal off; goal >= 500,000 signals/s"));
        using var rig = new Rig();
        rig.RunOnce(clients, 500_000, 0); // warm-up: JIT tiers, pools, page faults
        for (int run = 0; run < 3; run++)
        {
            Result r = rig.RunOnce(clients, signals, rate);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"gateway connections={clients} signals={r.Signals} signals_per_s={r.Signals / r.AckSeconds:F0} with_outcomes_per_s={r.Signals / r.OutcomeSeconds:F0} ack_p50_us={r.Ack.P50Us:F0} ack_p99_us={r.Ack.P99Us:F0} ack_p999_us={r.Ack.P999Us:F0} ack_max_us={r.Ack.MaxUs:F0} ordered={r.Ordered} risk_rejected={r.RiskRejected} ring_full_waits={r.RingFullWaits}"));
        }

        return 0;
    }

    /// <summary>The integer after <paramref name="name"/> in <paramref name="args"/>, or <paramref name="fallback"/>.</summary>
    internal static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Result(long Signals, double AckSeconds, double OutcomeSeconds, LatencySummary Ack, long Ordered, long RiskRejected, long RingFullWaits);

    private sealed class Rig : IDisposable
    {
        private readonly TradingEngine _engine;
        private readonly Orchestrator.Adapters.SignalGateway.SignalGateway _gateway;

        public Rig()
        {
            var options = new EngineOptions
            {
                Symbols = ["AAPL", "MSFT"],
                StartingCash = 1_000_000_000m,
                InboundBufferSize = 1 << 16,
                WaitStrategy = WaitStrategyKind.Blocking,
                Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
                Risk = new RiskOptions { DuplicateWindow = TimeSpan.Zero, MaxOrdersPerSecond = 0, MaxOrdersPerMinute = 0, MaxOrdersPerDay = 0, MaxOpenOrders = 100_000, AllowShortSelling = true },
                Sizing = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 1, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
                Exits = new ExitOptions { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
            };
            _engine = new TradingEngine(options, NullAuditWriter.Instance);
            var exchange = new PaperExchange(new PaperExchangeOptions { SymbolCount = 2, StartingCashRaw = FixedPoint.FromDecimal(1_000_000_000m), AllowShortSelling = true, MaxOpenOrders = 1 << 17 });
            var broker = new PaperBrokerGateway(exchange, new ReportSink(_engine), new LatencyRecorder());
            _engine.ConnectGateway(broker);
            _gateway = new Orchestrator.Adapters.SignalGateway.SignalGateway(_engine, new GatewayOptions { Port = 0, MaxConnections = 64, MaxInFlight = 1 << 14 }, () => 1_736_000_000_000_000_000);
            _engine.Start();
            var tick = new MarketTick { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = FixedPoint.FromDecimal(100m), Size = 100, TsEventNs = 1_736_000_000_000_000_000 };
            _engine.PublishMarketData(tick);
            broker.OnMarketData(tick); // the paper venue's price, so orders fill
            _gateway.Start();

            // A trade every millisecond, as a feed would: the paper venue fills resting market orders on it.
            _ticker = new Thread(() =>
            {
                long ts = tick.TsEventNs;
                while (!Volatile.Read(ref _stopTicker))
                {
                    Thread.Sleep(1);
                    MarketTick t = tick with { TsEventNs = ts += 1_000_000 };
                    broker.OnMarketData(t);
                    _engine.PublishMarketData(t);
                }
            }) { Name = "bench-ticker", IsBackground = true };
            _ticker.Start();
        }

        private readonly Thread _ticker;
        private bool _stopTicker;

        public Result RunOnce(int clients, int signals, int rate)
        {
            int perClient = signals / clients / LinesPerChunk * LinesPerChunk;
            byte[] chunk = BuildChunk();
            long ordered0 = _gateway.Counters.Ordered, rejected0 = _gateway.Counters.RiskRejected;
            var recorder = new LatencyRecorder();
            var sockets = new Socket[clients];
            for (int c = 0; c < clients; c++)
            {
                sockets[c] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                sockets[c].Connect("127.0.0.1", _gateway.Port);
            }

            var lastAck = new long[clients];
            var lastOutcome = new long[clients];
            var threads = new List<Thread>();
            using var go = new ManualResetEventSlim();
            for (int c = 0; c < clients; c++)
            {
                int client = c;
                var sentAt = new long[perClient / LinesPerChunk];
                threads.Add(new Thread(() =>
                {
                    go.Wait();
                    long begin = Stopwatch.GetTimestamp();
                    double ticksPerChunk = rate > 0 ? (double)LinesPerChunk * clients / rate * Stopwatch.Frequency : 0;
                    for (int k = 0; k < sentAt.Length; k++)
                    {
                        // Paced: sleep while more than a millisecond ahead of schedule (never a spin).
                        while (rate > 0 && begin + (long)(k * ticksPerChunk) - Stopwatch.GetTimestamp() > Stopwatch.Frequency / 1000)
                        {
                            Thread.Sleep(1);
                        }

                        Volatile.Write(ref sentAt[k], Stopwatch.GetTimestamp());
                        sockets[client].Send(chunk);
                    }
                }) { Name = "bench-send-" + c });
                threads.Add(new Thread(() => Read(sockets[client], perClient, sentAt, recorder, out lastAck[client], out lastOutcome[client])) { Name = "bench-read-" + c });
            }

            foreach (Thread t in threads)
            {
                t.Start();
            }

            long start = Stopwatch.GetTimestamp();
            go.Set();
            foreach (Thread t in threads)
            {
                t.Join();
            }

            foreach (Socket s in sockets)
            {
                s.Dispose();
            }

            long total = (long)perClient * clients;
            return new Result(total, (lastAck.Max() - start) / (double)Stopwatch.Frequency, (lastOutcome.Max() - start) / (double)Stopwatch.Frequency,
                recorder.Summarize(), _gateway.Counters.Ordered - ordered0, _gateway.Counters.RiskRejected - rejected0, _gateway.Counters.RingFullWaits);
        }

        public void Dispose()
        {
            Volatile.Write(ref _stopTicker, true);
            _ticker.Join();
            _gateway.StopAsync().GetAwaiter().GetResult();
            _engine.Shutdown(TimeSpan.FromSeconds(10));
        }

        /// <summary>Reads answers: acks are <c>{"id":null,"status":…</c>, outcomes <c>{"id":null,"seq":…</c>; line k's ack belongs to chunk k / LinesPerChunk.</summary>
        private static void Read(Socket socket, int lines, long[] sentAt, LatencyRecorder recorder, out long lastAck, out long lastOutcome)
        {
            var buffer = new byte[1 << 16];
            int acks = 0, outcomes = 0, lineStart = 0, filled = 0;
            lastAck = lastOutcome = 0;
            var ackTimes = new long[lines];
            while (acks < lines || outcomes < lines)
            {
                int n = socket.Receive(buffer, filled, buffer.Length - filled, SocketFlags.None);
                if (n == 0)
                {
                    throw new InvalidOperationException("the gateway closed the connection");
                }

                long now = Stopwatch.GetTimestamp();
                filled += n;
                int newline;
                while ((newline = Array.IndexOf(buffer, (byte)'\n', lineStart, filled - lineStart)) >= 0)
                {
                    if (buffer[lineStart + 13] == (byte)'t')
                    {
                        if (buffer[lineStart + 21] != (byte)'a')
                        {
                            throw new InvalidOperationException("refused: " + Encoding.UTF8.GetString(buffer, lineStart, newline - lineStart));
                        }

                        ackTimes[acks++] = now;
                        lastAck = now;
                    }
                    else
                    {
                        outcomes++;
                        lastOutcome = now;
                    }

                    lineStart = newline + 1;
                }

                Buffer.BlockCopy(buffer, lineStart, buffer, 0, filled - lineStart);
                filled -= lineStart;
                lineStart = 0;
            }

            for (int i = 0; i < lines; i++)
            {
                recorder.Record(Volatile.Read(ref sentAt[i / LinesPerChunk]), ackTimes[i]);
            }
        }

        private static byte[] BuildChunk()
        {
            var text = new StringBuilder();
            for (int i = 0; i < LinesPerChunk; i++)
            {
                text.Append("{\"symbol\":\"AAPL\",\"side\":\"").Append(i % 2 == 0 ? "BUY" : "SELL")
                    .Append("\",\"confidence\":0.8,\"source\":\"bench\",\"reason\":\"ingest\"}\n");
            }

            return Encoding.UTF8.GetBytes(text.ToString());
        }
    }

    private sealed class ReportSink(TradingEngine engine) : IExecutionReportSink
    {
        public void OnExecutionReport(in ExecutionReport report) => engine.PublishExecutionReport(report);
    }
}
