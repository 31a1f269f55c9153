using Orchestrator.Agents.Execution;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.Scheduling;

namespace Orchestrator.Agents.Tests;

public sealed class AgentRouterTests : IAsyncLifetime
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(30);
    private readonly SlowPathScheduler _pool = new(2);
    private JobScheduler _jobs = null!;
    private AgentRouter _router = null!;
    private TestAgent _agent = null!;

    public Task InitializeAsync()
    {
        _jobs = new JobScheduler(_pool, new JobSchedulerOptions { MaxActive = 3 });
        _router = new AgentRouter(_pool, _jobs, TimeSpan.FromSeconds(20));
        _agent = new TestAgent(_pool);
        _router.Register(_agent);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _agent.Release.TrySetResult();
        await _jobs.DisposeAsync();
        _pool.Dispose();
    }

    private Task<AgentResult> Send(string method, object? parameters = null, TimeSpan? timeout = null) =>
        _router.SendAgentMessageAsync(AgentMessage.Create("test_agent", method, parameters), timeout);

    [Fact]
    public async Task Message_ReachesTheMethod_WithTypedParams_OnTheSlowPool()
    {
        AgentResult result = await Send("echo", new { text = "ab", times = 3 });
        Assert.True(result.Ok, result.Error);
        Assert.Equal("ababab", result.Result!["echo"]!.GetValue<string>());
        Assert.True(_agent.RanOnPool);
    }

    [Fact]
    public async Task UnknownAgent_IsAClearError()
    {
        AgentResult result = await _router.SendAgentMessageAsync(AgentMessage.Create("nobody", "echo"));
        Assert.Equal(AgentErrors.UnknownAgent, result.ErrorCode);
        Assert.Contains("known: test_agent", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownMethod_IsAClearError_ListingTheMethods()
    {
        AgentResult result = await Send("fly");
        Assert.Equal(AgentErrors.UnknownMethod, result.ErrorCode);
        Assert.Contains("crash, echo, ignore_token, wait", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"times":2}""", "text")]                        // required missing
    [InlineData("""{"text":"a","times":"2"}""", "times")]           // wrong type (no strings for numbers)
    [InlineData("""{"text":"a","colour":"red"}""", "colour")]       // unknown member
    [InlineData("""{"text":"a","times":11}""", "times: must be between 1 and 10, got 11")]
    [InlineData("""{"text":" "}""", "text: must not be empty")]
    public async Task InvalidParams_AreRefused_NamingTheParameter(string parameters, string expected)
    {
        Assert.True(AgentMessage.TryParse($$"""{"target_agent":"test_agent","method":"echo","params":{{parameters}}}""", out AgentMessage? message, out _));
        AgentResult result = await _router.SendAgentMessageAsync(message!);
        Assert.Equal(AgentErrors.InvalidParams, result.ErrorCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrashingAgent_IsAFailureResult_NotAnException()
    {
        AgentResult result = await Send("crash");
        Assert.Equal(AgentErrors.Failed, result.ErrorCode);
        Assert.Contains("boom", result.Error, StringComparison.Ordinal);
        Assert.Equal((1L, 1L), _router.Stats);
    }

    [Fact]
    public async Task SlowAgent_TimesOut()
    {
        AgentResult result = await Send("wait", timeout: TimeSpan.FromMilliseconds(50)).WaitAsync(s_hang);
        Assert.Equal(AgentErrors.Timeout, result.ErrorCode);
    }

    [Fact]
    public async Task AgentIgnoringItsToken_StillLetsTheCallerGoAtTheDeadline()
    {
        AgentResult result = await Send("ignore_token", timeout: TimeSpan.FromMilliseconds(50)).WaitAsync(s_hang);
        Assert.Equal(AgentErrors.Timeout, result.ErrorCode);
    }

    [Fact]
    public async Task DelegatedTask_ReturnsAnId_ThenItsResult()
    {
        (string? id, AgentResult? refusal) = await _router.DelegateTaskAsync(AgentMessage.Create("test_agent", "echo", new { text = "x" }));
        Assert.Null(refusal);
        JobInfo? done = await _jobs.WaitAsync(id!).WaitAsync(s_hang);
        Assert.Equal(JobStatus.Succeeded, done!.Status);
        Assert.Equal("x", done.Result!["echo"]!.GetValue<string>());
        Assert.Equal("succeeded", _jobs.Get(id!)!.ToJson()["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task DelegatedTask_CanBeCanceled()
    {
        (string? id, _) = await _router.DelegateTaskAsync(AgentMessage.Create("test_agent", "wait"));
        await _agent.Started.Task.WaitAsync(s_hang);
        Assert.Equal(JobStatus.Running, _jobs.Get(id!)!.Status);
        Assert.True(_jobs.Cancel(id!));
        JobInfo? done = await _jobs.WaitAsync(id!).WaitAsync(s_hang);
        Assert.Equal(JobStatus.Canceled, done!.Status);
        Assert.False(_jobs.Cancel(id!)); // finished: nothing to cancel
    }

    [Fact]
    public async Task DelegatedTask_TimesOut()
    {
        (string? id, _) = await _router.DelegateTaskAsync(AgentMessage.Create("test_agent", "wait"), TimeSpan.FromMilliseconds(50));
        JobInfo? done = await _jobs.WaitAsync(id!).WaitAsync(s_hang);
        Assert.Equal(JobStatus.TimedOut, done!.Status);
    }

    [Fact]
    public async Task Delegation_ToAnUnknownMethod_IsRefusedUpFront_AndActiveTasksAreBounded()
    {
        (string? none, AgentResult? refusal) = await _router.DelegateTaskAsync(AgentMessage.Create("test_agent", "nope"));
        Assert.Null(none);
        Assert.Equal(AgentErrors.UnknownMethod, refusal!.ErrorCode);

        for (int i = 0; i < 3; i++)
        {
            (string? id, _) = await _router.DelegateTaskAsync(AgentMessage.Create("test_agent", "wait"));
            Assert.NotNull(id);
        }

        (string? fourth, AgentResult? busy) = await _router.DelegateTaskAsync(AgentMessage.Create("test_agent", "wait"));
        Assert.Null(fourth);
        Assert.Equal(AgentErrors.Unavailable, busy!.ErrorCode);
    }
}
