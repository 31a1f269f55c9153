using System.Net;
using System.Net.Sockets;
using System.Text;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Daemon.Tests;

/// <summary>A start-up that fails for a reason a person must fix reaches the alert channels before the process exits.</summary>
public sealed class StartupAlertTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task BrokerRefusingOurKeysAtStart_SendsACriticalWebhookAlert_ThenExits()
    {
        await using KisSimulator simulator = await KisSimulator.StartAsync();
        simulator.RefuseTokens = true; // the keys were revoked
        string root = Directory.CreateTempSubdirectory("orc-startup-alert-").FullName;
        int port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        Task<string> received = ReceiveOneAsync(listener);
        try
        {
            string config = CrashRecoveryTests.WriteConfig(root, simulator);
            File.AppendAllText(Path.Combine(config, "daemon.yaml"), "alerts:\n  webhook:\n    enabled: true\n");
            using DaemonProcess daemon = DaemonProcess.Start(root, Path.Combine(root, "run.out"), ["run", "--config", config, "--log-dir", Path.Combine(root, "logs")],
                new Dictionary<string, string> { ["ORCHESTRATOR_ALERT_WEBHOOK_URL"] = $"http://127.0.0.1:{port}/hooks/SECRET-TOKEN" });

            string body = await received.WaitAsync(s_hang);
            Assert.Contains("CRITICAL", body, StringComparison.Ordinal);
            Assert.Contains("credentials", body, StringComparison.Ordinal);
            Assert.Contains("\"content\"", body, StringComparison.Ordinal); // Discord
            Assert.Contains("\"text\"", body, StringComparison.Ordinal); // Slack

            Assert.NotNull(await daemon.WaitForLineAsync(l => l.Contains("refused our credentials", StringComparison.Ordinal), s_hang));
            using (var guard = new CancellationTokenSource(s_hang))
            {
                while (!daemon.HasExited)
                {
                    await Task.Delay(20, guard.Token); // polls a condition under a hang guard; asserts nothing about time
                }
            }

            Assert.NotEqual(0, daemon.ExitCode);
            Assert.DoesNotContain(daemon.Lines, l => l.Contains("SECRET-TOKEN", StringComparison.Ordinal)); // the webhook's secret never printed
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<string> ReceiveOneAsync(HttpListener listener)
    {
        HttpListenerContext context = await listener.GetContextAsync();
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        string body = context.Request.HttpMethod + " " + context.Request.Url!.AbsolutePath + " " + await reader.ReadToEndAsync();
        context.Response.StatusCode = 200;
        context.Response.Close();
        return body;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
