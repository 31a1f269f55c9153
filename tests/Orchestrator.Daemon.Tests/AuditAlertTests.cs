using System.Collections.Concurrent;
using Orchestrator.Agents.Alerts;
using Orchestrator.Daemon.Logging;
using Orchestrator.Engine.Audit;

namespace Orchestrator.Daemon.Tests;

public sealed class AuditAlertTests
{
    private sealed class RecordingChannel : IAlertChannel
    {
        public BlockingCollection<AlertMessage> Sent { get; } = [];

        public string Name => "recording";

        public Task SendAsync(AlertMessage alert, CancellationToken cancellationToken)
        {
            Sent.Add(alert, cancellationToken);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task CriticalAuditLines_BecomeCriticalAlerts_OthersStayInTheLog()
    {
        var channel = new RecordingChannel();
        await using var alerts = new AlertService(new AlertOptions(), [channel]);
        alerts.Start();
        var writer = new NLogAuditWriter { Alerts = alerts };

        writer.Write(AuditLevel.Info, "Order filled: …"u8, new AuditRecord { Kind = AuditKind.OrderFilled, ClientOrderId = 7 });
        writer.Write(AuditLevel.Critical, "Kill switch engaged: new orders blocked, open orders canceled"u8, new AuditRecord { Kind = AuditKind.KillSwitchEngaged });

        Assert.True(channel.Sent.TryTake(out AlertMessage? alert, TimeSpan.FromSeconds(30))); // hang guard
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Equal("audit:KillSwitchEngaged", alert.Key);
        Assert.Equal("Kill switch engaged: new orders blocked, open orders canceled", alert.Message);
        Assert.Equal(1, alerts.Raised); // the Info line was not raised
    }
}
