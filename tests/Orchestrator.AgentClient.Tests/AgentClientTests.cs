using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Orchestrator.AgentClient.Messages;
using Orchestrator.Daemon;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Daemon.Tests;

namespace Orchestrator.AgentClient.Tests;

/// <summary>The C# client in process against a real gateway, engine and paper venue (a <see cref="TradingSession"/>).</summary>
public sealed class AgentClientTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);

    private static TradingSession StartSession()
    {
        SessionOptions options = DaemonCli.BuildOptions(7, 1_000, Engine.Ring.WaitStrategyKind.Blocking) with { Gateway = new Adapters.SignalGateway.GatewayOptions { Port = 0 } };
        var session = new TradingSession(options);
        session.Start("agent-client-test");
        return session;
    }

    private static AgentClientOptions OptionsFor(TradingSession session, string name, ConcurrentQueue<string> log) => new()
    {
        Name = name,
        Port = session.SignalGateway!.Port,
        Symbols = ["AAPL"],
        Bars = ["1m"],
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        Log = log.Enqueue,
    };

    [Fact]
    public void AgentClient_ReferencesNothingButTheFramework()
    {
        string[] referenced = [.. typeof(AgentClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!)];
        Assert.DoesNotContain(referenced, n => !n.StartsWith("System", StringComparison.Ordinal) && n != "netstandard"); // no Orchestrator.*, no packages: users link it alone
    }

    [Fact]
    public void Options_FromEnvironment_ReadAddressTokenAndName_AndABadAddressNamesTheVariable()
    {
        var env = new Dictionary<string, string?> { ["ORCHESTRATOR_GATEWAY"] = "10.1.2.3:7411", ["ORCHESTRATOR_AGENT_TOKEN"] = "tok-123", ["ORCHESTRATOR_AGENT_NAME"] = "supervised" };
        AgentClientOptions options = AgentClientOptions.FromEnvironment("fallback", n => env.GetValueOrDefault(n));
        Assert.Equal(("10.1.2.3", 7411, "tok-123", "supervised"), (options.Host, options.Port, options.Token, options.Name));
        Assert.DoesNotContain("tok-123", options.ToString(), StringComparison.Ordinal);

        AgentClientOptions defaults = AgentClientOptions.FromEnvironment("fallback", _ => null);
        Assert.Equal(("127.0.0.1", 7400, null, "fallback"), (defaults.Host, defaults.Port, defaults.Token, defaults.Name));

        FormatException bad = Assert.Throws<FormatException>(() => AgentClientOptions.FromEnvironment("x", n => n == "ORCHESTRATOR_GATEWAY" ? "localhost" : null));
        Assert.StartsWith("ORCHESTRATOR_GATEWAY: expected host:port", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_ReceivesBars_ItsSignalIsOrderedOnThePaperVenue_AndItsFillsAndPositionArrive()
    {
        using TradingSession session = StartSession();
        var log = new ConcurrentQueue<string>();
        var bars = new TaskCompletionSource<Bar>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fills = new ConcurrentQueue<Fill>();
        var positions = new ConcurrentQueue<Position>();
        var orders = new ConcurrentQueue<OrderUpdate>();
        await using var client = new AgentClient(OptionsFor(session, "cs_agent", log));
        client.OnBar = bar => { bars.TrySetResult(bar); return ValueTask.CompletedTask; };
        client.OnFill = fill => { fills.Enqueue(fill); return ValueTask.CompletedTask; };
        client.OnPosition = position => { positions.Enqueue(position); return ValueTask.CompletedTask; };
        client.OnOrder = order => { orders.Enqueue(order); return ValueTask.CompletedTask; };
        using var stop = new CancellationTokenSource();
        Task run = client.RunAsync(stop.Token);

        Bar bar = await bars.Task.WaitAsync(s_hang);
        Assert.Equal(("AAPL", "1m"), (bar.Symbol, bar.Timeframe));
        Assert.True(bar.Low <= bar.Close && bar.Close <= bar.High && bar.Low > 0, bar.ToString());
        Assert.True(client.IsConnected);
        Assert.Equal("cs_agent", client.Welcome!.Name);

        SignalTicket ticket = await client.SubmitSignalAsync(new AgentSignal { Symbol = "AAPL", Side = SignalSide.Buy, Confidence = 0.9, Quantity = 3, Id = "cs1", Reason = "client test" });
        SignalAck ack = await ticket.Ack.WaitAsync(s_hang);
        Assert.True(ack.Accepted, ack.Error);
        SignalOutcome outcome = await ticket.Outcome.WaitAsync(s_hang);
        Assert.True(outcome.Ordered, outcome.ToString());
        Assert.Equal(ack.Seq, outcome.Seq);

        // The order fills completely on the paper venue (its size is sizing's: the quantity cap is the engine's, C2).
        await Waits.UntilAsync(() => fills.Any(f => f.OrderId == outcome.OrderId && f.Leaves == 0), "the order's last fill; fills: " + string.Join("; ", fills) + "; log: " + string.Join("; ", log.TakeLast(10)), s_hang);
        Fill first = fills.First(f => f.SignalId == "cs1");
        Assert.Equal((outcome.OrderId, "AAPL", "BUY", 1L, false), (first.OrderId, first.Symbol, first.Side, first.FillSeq, first.Replay));
        Assert.True(first.Price > 0);
        long bought = fills.Where(f => f.OrderId == outcome.OrderId).Sum(f => f.Quantity);
        Assert.True(bought > 0);
        await Waits.UntilAsync(() => positions.Any(p => p.Symbol == "AAPL" && p.Quantity == bought), "the agent's position after its fills", s_hang);
        Assert.Contains(orders, o => o.OrderId == outcome.OrderId && o.SignalId == "cs1");
        Assert.Equal(fills.Max(f => f.FillSeq), client.LastFillSeq);

        // A signal the gateway refuses comes back in the ticket, field-named, not as an exception.
        SignalTicket refused = await client.SubmitSignalAsync(new AgentSignal { Symbol = "NOPE", Side = SignalSide.Sell, Confidence = 0.5 });
        SignalOutcome refusal = await refused.Outcome.WaitAsync(s_hang);
        Assert.Equal("rejected", refusal.Status);
        Assert.StartsWith("symbol", refusal.Error, StringComparison.Ordinal);

        await stop.CancelAsync();
        await run.WaitAsync(s_hang); // returns normally when stopped
        Assert.False(client.IsConnected);
        session.Stop();
    }

    [Fact]
    public async Task Client_ConnectingAgainWithItsLastFillSeq_GetsTheFillsItMissedReplayed_AndNotTheOnesItHad()
    {
        using TradingSession session = StartSession();
        session.SignalGateway!.RegisterAgentToken("replay_agent", "replay-secret"); // the name is the agent's: only its token signs as it
        var log = new ConcurrentQueue<string>();
        long had;
        AgentClientOptions firstOptions = OptionsFor(session, "replay_agent", log);
        firstOptions.Token = "replay-secret";
        await using (var first = new AgentClient(firstOptions))
        {
            var fills = new ConcurrentQueue<Fill>();
            first.OnFill = fill => { fills.Enqueue(fill); return ValueTask.CompletedTask; };
            using var stop = new CancellationTokenSource();
            var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            first.OnConnected = _ => { connected.TrySetResult(); return ValueTask.CompletedTask; };
            Task run = first.RunAsync(stop.Token);
            await connected.Task.WaitAsync(s_hang);
            SignalTicket ticket = await first.SubmitSignalAsync(new AgentSignal { Symbol = "AAPL", Side = SignalSide.Buy, Confidence = 0.9, Quantity = 2, Id = "r1" });
            Assert.True((await ticket.Outcome.WaitAsync(s_hang)).Ordered);
            await Waits.UntilAsync(() => fills.Any(f => f.Leaves == 0), "the first order's last fill", s_hang);
            had = first.LastFillSeq;
            await stop.CancelAsync();
            await run.WaitAsync(s_hang);
        }

        // While the agent is away, a signal in its name is filled: a plain connection holding the agent's
        // token, no hello (a plain connection with another token may no longer sign as an agent).
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", session.SignalGateway!.Port);
            using var reader = new StreamReader(tcp.GetStream());
            await tcp.GetStream().WriteAsync(Encoding.UTF8.GetBytes("auth replay-secret\n{\"id\":\"r2\",\"symbol\":\"AAPL\",\"side\":\"SELL\",\"confidence\":0.9,\"quantity\":2}\n"));
            Assert.Contains("\"status\":\"authenticated\"", await reader.ReadLineAsync().WaitAsync(s_hang), StringComparison.Ordinal);
            Assert.Contains("\"status\":\"accepted\"", await reader.ReadLineAsync().WaitAsync(s_hang), StringComparison.Ordinal);
            Assert.Contains("\"status\":\"ordered\"", await reader.ReadLineAsync().WaitAsync(s_hang), StringComparison.Ordinal);
        }

        Assert.True(session.SignalGateway.TryGetAgent("replay_agent", out Adapters.SignalGateway.GatewayAgent? away));
        await Waits.UntilAsync(() => away!.Counters.Fills > had, "a fill of the agent's while it is away", s_hang);

        // The agent comes back (a new client, as after a restart, resuming from the fill it had).
        var options = OptionsFor(session, "replay_agent", log);
        options.Token = "replay-secret";
        options.LastFillSeq = had;
        var replayed = new ConcurrentQueue<Fill>();
        await using var second = new AgentClient(options);
        second.OnFill = fill => { replayed.Enqueue(fill); return ValueTask.CompletedTask; };
        using var stopSecond = new CancellationTokenSource();
        Task runSecond = second.RunAsync(stopSecond.Token);
        await Waits.UntilAsync(() => replayed.Any(f => f.SignalId == "r2" && f.Leaves == 0), "the missed fills, replayed", s_hang);
        Assert.All(replayed, f => Assert.True(f.FillSeq > had, $"fill {f.FillSeq} was had already ({had})"));
        Fill missed = replayed.First(); // the one it missed comes first, marked as a replay (later partial fills may come live)
        Assert.Equal((had + 1, "r2", true), (missed.FillSeq, missed.SignalId, missed.Replay));
        await stopSecond.CancelAsync();
        await runSecond.WaitAsync(s_hang);
        session.Stop();
    }

    [Fact]
    public async Task Client_HelloForASymbolNotTradedHere_ThrowsAgentProtocolException_NamingTheField()
    {
        using TradingSession session = StartSession();
        var log = new ConcurrentQueue<string>();
        AgentClientOptions options = OptionsFor(session, "bad_agent", log);
        options.Symbols = ["NOPE"];
        await using var client = new AgentClient(options);
        AgentProtocolException refused = await Assert.ThrowsAsync<AgentProtocolException>(() => client.RunAsync(CancellationToken.None).WaitAsync(s_hang));
        Assert.Contains("hello.symbols", refused.Message, StringComparison.Ordinal);
        Assert.Contains("NOPE", refused.Message, StringComparison.Ordinal);
        session.Stop();
    }
}
