using Microsoft.Extensions.Time.Testing;
using Orchestrator.Agents.Alerts;

namespace Orchestrator.Agents.Tests.Alerts;

public sealed class AlertServiceTests
{
    private static readonly TimeSpan s_guard = TimeSpan.FromSeconds(30);

    private static void WaitFor(Func<bool> condition, string what) =>
        Assert.True(SpinWait.SpinUntil(condition, s_guard), "hang guard: " + what);

    [Fact]
    public async Task Alert_WhenSameKeyRepeatsWithinWindow_SendsOnceThenOneSummaryWithTheCount()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
        var channel = new RecordingChannel();
        var log = new TestLog();
        await using var alerts = new AlertService(new AlertOptions { DedupWindow = TimeSpan.FromMinutes(5) }, [channel], time, log.Logger);
        alerts.Start();

        alerts.Alert(AlertSeverity.Warning, "feed", "feed.stale:kis", "kis-realtime stale");
        time.Advance(TimeSpan.FromMinutes(1));
        alerts.Alert(AlertSeverity.Warning, "feed", "feed.stale:kis", "kis-realtime stale");
        alerts.Alert(AlertSeverity.Warning, "feed", "feed.stale:kis", "kis-realtime stale");
        alerts.Alert(AlertSeverity.Warning, "feed", "feed.other", "another key is not folded");

        AlertMessage first = await channel.NextAsync();
        AlertMessage other = await channel.NextAsync();
        Assert.Equal("feed.stale:kis", first.Key);
        Assert.False(first.Summary);
        Assert.Equal("feed.other", other.Key);
        Assert.Equal(2, alerts.Folded);

        time.Advance(TimeSpan.FromMinutes(4)); // the window (from the first alert) has ended: the timer sends the summary
        AlertMessage summary = await channel.NextAsync();
        Assert.True(summary.Summary);
        Assert.Equal("feed.stale:kis", summary.Key);
        Assert.Equal(2, summary.Repeats);
        Assert.Contains("2 more like this", summary.Message, StringComparison.Ordinal);

        // A new window: the key is sent again at once.
        alerts.Alert(AlertSeverity.Warning, "feed", "feed.stale:kis", "kis-realtime stale again");
        AlertMessage again = await channel.NextAsync();
        Assert.Equal("kis-realtime stale again", again.Message);
        Assert.Equal(4, log.At("WARN").Count(l => l.StartsWith("WARN|ALERT", StringComparison.Ordinal)));
    }

    [Fact]
    public void Deduplicator_WithoutRepeats_HasNoSummary()
    {
        var dedup = new AlertDeduplicator(TimeSpan.FromSeconds(10));
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var alert = new AlertMessage(AlertSeverity.Info, "k", "key", "m", new Dictionary<string, string>(), t0);
        Assert.True(dedup.Offer(alert, t0));
        Assert.Empty(dedup.TakeDue(t0.AddSeconds(11)));
        Assert.Equal(0, dedup.OpenWindows);
        Assert.True(dedup.Offer(alert, t0.AddSeconds(11)));
        Assert.False(dedup.Offer(alert, t0.AddSeconds(20.9)));
        Assert.Equal(1, Assert.Single(dedup.TakeDue(t0.AddSeconds(21))).Repeats);
        Assert.True(dedup.Offer(alert, t0.AddSeconds(21)));
    }

    [Fact]
    public async Task Alert_OverTheRateLimit_HoldsBackAndSaysSoInTheNextOneSent()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
        var channel = new RecordingChannel();
        await using var alerts = new AlertService(new AlertOptions { Burst = 2, PerMinute = 1 }, [channel], time, new TestLog().Logger);
        alerts.Start();

        for (int i = 0; i < 5; i++)
        {
            alerts.Alert(AlertSeverity.Warning, "test", "key" + i, "alert " + i);
        }

        Assert.Equal("alert 0", (await channel.NextAsync()).Message);
        Assert.Equal("alert 1", (await channel.NextAsync()).Message);
        WaitFor(() => alerts.RateLimited == 3, "the sender to pass the three held back");
        Assert.True(channel.Empty);

        time.Advance(TimeSpan.FromMinutes(1)); // one token back
        alerts.Alert(AlertSeverity.Critical, "test", "key5", "alert 5");
        AlertMessage next = await channel.NextAsync();
        Assert.StartsWith("alert 5", next.Message, StringComparison.Ordinal);
        Assert.Contains("3 earlier alerts held back by the rate limit", next.Message, StringComparison.Ordinal);
        Assert.Equal(3, alerts.Sent);
    }

    [Fact]
    public async Task Alert_WhenAChannelHangsOrFails_ReturnsAndTheOtherChannelStillGetsEveryAlert()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
        var hanging = new RecordingChannel("hanging") { Hang = true };
        var failing = new RecordingChannel("failing") { Fail = true };
        var working = new RecordingChannel("working");
        var options = new AlertOptions { QueueCapacity = 2, MaxRetries = 0, PerMinute = 1000, Burst = 1000 };
        await using var alerts = new AlertService(options, [hanging, failing, working], time, new TestLog().Logger);
        alerts.Start();

        for (int i = 0; i < 6; i++)
        {
            alerts.Alert(AlertSeverity.Critical, "test", "key" + i, "alert " + i); // returns: nothing here waits on a channel
            Assert.Equal("alert " + i, (await working.NextAsync()).Message);
        }

        WaitFor(() => hanging.Attempts == 1, "the hanging channel to take its first alert");
        Assert.Equal(1, hanging.Attempts); // still on the first: one in flight, two queued, the rest dropped
        Assert.True(alerts.Dropped >= 3, "dropped " + alerts.Dropped);
        WaitFor(() => alerts.Failed + failing.Attempts >= 1, "the failing channel to fail");
    }

    [Fact]
    public async Task Alert_WhenAChannelFails_RetriesWithBackoffOnTheClockThenGivesUp()
    {
        var time = new TimerWatchingTimeProvider(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
        var failing = new RecordingChannel("failing") { Fail = true };
        var log = new TestLog();
        await using var alerts = new AlertService(new AlertOptions { MaxRetries = 2, RetryBackoff = TimeSpan.FromSeconds(1) }, [failing], time, log.Logger);
        alerts.Start();

        alerts.Alert(AlertSeverity.Critical, "test", "key", "down");
        WaitFor(() => failing.Attempts == 1, "the first attempt");
        WaitFor(() => time.TimersCreated(TimeSpan.FromSeconds(1)) == 1, "the sender to wait 1 s before the first retry");
        Assert.Equal(1, failing.Attempts); // not before the back-off has passed
        time.Advance(TimeSpan.FromSeconds(1));
        WaitFor(() => failing.Attempts == 2, "the first retry after 1 s");
        WaitFor(() => time.TimersCreated(TimeSpan.FromSeconds(2)) == 1, "the sender to wait 2 s before the second retry");
        Assert.Equal(2, failing.Attempts);
        time.Advance(TimeSpan.FromSeconds(2));
        WaitFor(() => alerts.Failed == 1, "giving up after the second retry");
        Assert.Equal(3, failing.Attempts);
        Assert.Contains(log.At("ERROR"), l => l.Contains("gave up on alert 'key' after 3 attempts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Alert_Critical_IsLoggedAtFatalWithItsFields()
    {
        var log = new TestLog();
        await using var alerts = new AlertService(new AlertOptions(), [], TimeProvider.System, log.Logger);
        alerts.Start();

        alerts.Alert(AlertSeverity.Critical, "broker.outage", "broker.outage:kis", "kis unreachable", new Dictionary<string, string> { ["venue"] = "kis" });

        string line = Assert.Single(log.At("FATAL"));
        Assert.Contains("ALERT CRITICAL [broker.outage] kis unreachable venue=kis", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebhookChannel_PostsJsonThatSlackAndDiscordAccept()
    {
        await using AlertReceiver receiver = await AlertReceiver.StartAsync();
        using var http = new HttpClient();
        var url = new Uri(receiver.BaseUrl, "services/T000/B000/SECRETWEBHOOKTOKEN");
        var log = new TestLog();
        await using var alerts = new AlertService(new AlertOptions(), [new WebhookAlertChannel(http, url)], TimeProvider.System, log.Logger, [url.AbsoluteUri]);
        alerts.Start();

        alerts.Alert(AlertSeverity.Critical, "broker.insufficient_funds", "funds:kis", "order refused: not enough cash", new Dictionary<string, string> { ["code"] = "APBK0952" });

        (string path, System.Text.Json.Nodes.JsonNode? body) = await receiver.NextAsync();
        Assert.Equal("/services/T000/B000/SECRETWEBHOOKTOKEN", path);
        Assert.NotNull(body);
        Assert.Equal("CRITICAL [broker.insufficient_funds] order refused: not enough cash", body["text"]!.GetValue<string>()); // Slack
        Assert.Equal(body["text"]!.GetValue<string>(), body["content"]!.GetValue<string>()); // Discord
        Assert.Equal("critical", body["severity"]!.GetValue<string>());
        Assert.Equal("funds:kis", body["key"]!.GetValue<string>());
        Assert.Equal("APBK0952", body["fields"]!["code"]!.GetValue<string>());
        Assert.DoesNotContain(log.Lines, l => l.Contains("SECRETWEBHOOKTOKEN", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TelegramChannel_PostsSendMessageWithTheTokenInThePathAndNeverLogsIt()
    {
        const string token = "123456789:AAFakeBotTokenForTests_xyz";
        await using AlertReceiver receiver = await AlertReceiver.StartAsync();
        using var http = new HttpClient();
        var log = new TestLog();
        var options = new AlertOptions { MaxRetries = 1, RetryBackoff = TimeSpan.Zero, DedupWindow = TimeSpan.FromMilliseconds(1) };
        await using var alerts = new AlertService(options, [new TelegramAlertChannel(http, receiver.BaseUrl, token, "-100123")], TimeProvider.System, log.Logger, [token]);
        alerts.Start();

        alerts.Alert(AlertSeverity.Critical, "network.down", "net", "feed down", new Dictionary<string, string> { ["link"] = "kis-realtime" });
        (string path, System.Text.Json.Nodes.JsonNode? body) = await receiver.NextAsync();
        Assert.Equal("/bot" + token + "/sendMessage", path);
        Assert.Equal("-100123", body!["chat_id"]!.GetValue<string>());
        Assert.Equal("CRITICAL [network.down] feed down\nlink: kis-realtime", body["text"]!.GetValue<string>());

        // Telegram refuses (as for a revoked token), echoing the URL: the failure lines are masked.
        receiver.Status = 401;
        receiver.Answer = """{"ok":false,"error_code":401,"description":"Unauthorized for /bot""" + token + """/sendMessage"}""";
        alerts.Alert(AlertSeverity.Critical, "network.down", "net2", "still down");
        await receiver.NextAsync();
        await receiver.NextAsync(); // the one retry
        WaitFor(() => alerts.Failed == 1, "giving up");
        Assert.Contains(log.Lines, l => l.Contains("Telegram answered HTTP 401", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.Contains("AAFakeBotTokenForTests", StringComparison.Ordinal));
    }
}
