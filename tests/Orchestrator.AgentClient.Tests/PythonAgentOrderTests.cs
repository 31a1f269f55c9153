using Orchestrator.Daemon.Tests;

namespace Orchestrator.AgentClient.Tests;

/// <summary>
/// The Python client's issue 19 fields (exits, amend, cancel) through a real python3 process against the
/// real daemon: what the client writes is what the gateway takes, and the feed's order lines show the group
/// entry's exits and the amend.
/// </summary>
public sealed partial class PythonAgentTests
{
    /// <summary>A bracketed limit buy below the market, then its amend and its cancel; every order line printed as JSON.</summary>
    private const string BracketScript = """
        import json, os, sys
        from decimal import Decimal
        sys.path.insert(0, sys.argv[1])
        from orchestrator_agent import Agent, dumps

        class Bracket(Agent):
            def __init__(self):
                super().__init__(name="py_bracket", symbols=["AAPL"], ticks=True, reconnect=False)
                self.done = False

            def on_tick(self, tick):
                if self.done:
                    return
                self.done = True
                try:
                    self.submit_signal("AAPL", "BUY", 0.9, take_profit=1, take_profit_pct=5)
                except ValueError as e:
                    print("local refusal: " + str(e), flush=True)
                limit = (tick.price * Decimal("0.98")).quantize(Decimal("0.01"))
                placed = self.submit_signal("AAPL", "BUY", 0.9, quantity=5, limit_price=limit, tif="gtc",
                                            take_profit_pct=5, stop_loss_pct=2, reason="bracket").result(30)
                print("placed " + dumps(placed), flush=True)
                order_id = placed["order_id"]
                amended = self.amend_order("AAPL", order_id, limit_price=limit - Decimal("0.5"), reason="lower").result(30)
                print("amended " + dumps(amended), flush=True)
                canceled = self.cancel_order("AAPL", order_id, reason="done").result(30)
                print("canceled " + dumps(canceled), flush=True)

            def on_order(self, order):
                print("order " + dumps(order), flush=True)
                if order.status == "canceled":
                    self.stop()

        Bracket().run()
        """;

    [Fact]
    public async Task PythonClient_SendsABracket_AmendsAndCancelsIt_AndTheOrderLinesShowTheExitsAndTheAmend()
    {
        string dir = Directory.CreateTempSubdirectory("orc-py-bracket-").FullName;
        try
        {
            (DaemonProcess daemonProcess, string port) = await StartDaemonAsync(dir, "--ticks-per-second", "200");
            using DaemonProcess daemon = daemonProcess;
            string script = Path.Combine(dir, "bracket_agent.py");
            await File.WriteAllTextAsync(script, BracketScript);

            using var agent = PythonAgentProcess.Start(script, [Path.Combine(RepoRoot(), "tools", "python")], new Dictionary<string, string> { ["ORCHESTRATOR_GATEWAY"] = "127.0.0.1:" + port });
            Assert.True(await agent.WaitForExitAsync(s_hang), agent.Tail() + "\n--- daemon\n" + daemon.Tail());
            Assert.Equal(0, agent.ExitCode);

            Assert.Contains(agent.Lines, l => l == "local refusal: take_profit: give take_profit or take_profit_pct, not both");
            string placed = Assert.Single(agent.Lines, l => l.StartsWith("placed ", StringComparison.Ordinal));
            Assert.Contains("\"status\":\"ordered\"", placed, StringComparison.Ordinal);
            Assert.DoesNotContain(agent.Lines, l => (l.StartsWith("amended ", StringComparison.Ordinal) || l.StartsWith("canceled ", StringComparison.Ordinal)) && l.Contains("rejected", StringComparison.Ordinal));
            string[] orders = [.. agent.Lines.Where(l => l.StartsWith("order ", StringComparison.Ordinal))];
            Assert.Contains(orders, l => l.Contains("\"group_role\":\"entry\",\"take_profit_pct\":5,\"stop_loss_pct\":2,\"status\":\"accepted\"", StringComparison.Ordinal) && l.Contains("\"tif\":\"gtc\"", StringComparison.Ordinal));
            string accepted = orders.First(l => l.Contains("\"status\":\"accepted\"", StringComparison.Ordinal));
            decimal limit = decimal.Parse(System.Text.RegularExpressions.Regex.Match(accepted, "\"limit_price\":([0-9.]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(orders, l => l.Contains("\"limit_price\":" + (limit - 0.5m).ToString(System.Globalization.CultureInfo.InvariantCulture) + ",", StringComparison.Ordinal)); // the amend, once the venue took it
            Assert.Contains(orders, l => l.Contains("\"status\":\"canceled\"", StringComparison.Ordinal));
            Assert.DoesNotContain(orders, l => l.Contains("\"status\":\"unknown\"", StringComparison.Ordinal));
            Assert.DoesNotContain(agent.Lines, l => l.Contains("Traceback", StringComparison.Ordinal));
            Assert.True(await daemon.TerminateAsync(s_hang), daemon.Tail());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
