using System.Collections.Concurrent;
using NLog;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Execution;
using Orchestrator.Agents.Scheduling;

namespace Orchestrator.Agents.Routing;

/// <summary>
/// The Agent Router: a message <c>{ target_agent, method, params }</c> reaches the named agent's
/// method on the slow pool, under a timeout; whatever happens, the caller gets an
/// <see cref="AgentResult"/> — unknown agent or method, invalid parameters, a timeout, a crash of
/// the agent — never an exception. Long work is delegated to the <see cref="JobScheduler"/> and
/// answered with a task id. Agent names are matched without regard to case (<c>Data_Agent</c> is
/// <c>data_agent</c>). A call waits for the router's default timeout (<c>agents.call_timeout</c>),
/// unless the agent bounds that method itself (<see cref="IAgent.CallTimeout"/>, e.g. the strategy
/// agent's model timeout): then the agent's own deadline plus <see cref="OwnTimeoutGrace"/>, so the
/// agent's deadline fires first and the agent counts it.
/// </summary>
public sealed class AgentRouter
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Agents");

    /// <summary>What the router adds to an agent's own deadline (<see cref="IAgent.CallTimeout"/>): the agent's deadline fires first.</summary>
    public static readonly TimeSpan OwnTimeoutGrace = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, IAgent> _agents = new(StringComparer.OrdinalIgnoreCase);
    private readonly SlowPathScheduler _pool;
    private readonly JobScheduler _jobs;
    private readonly TimeSpan _defaultTimeout;
    private long _messages;
    private long _failures;

    public AgentRouter(SlowPathScheduler pool, JobScheduler jobs, TimeSpan? defaultTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(jobs);
        _pool = pool;
        _jobs = jobs;
        _defaultTimeout = defaultTimeout ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>The agents, by name.</summary>
    public IReadOnlyCollection<IAgent> Agents => [.. _agents.Values.OrderBy(a => a.Name, StringComparer.Ordinal)];

    /// <summary>Messages routed so far, and how many did not succeed.</summary>
    public (long Messages, long Failures) Stats => (Interlocked.Read(ref _messages), Interlocked.Read(ref _failures));

    public JobScheduler Jobs => _jobs;

    /// <summary>Adds an agent; names are unique.</summary>
    public void Register(IAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (!_agents.TryAdd(agent.Name, agent))
        {
            throw new ArgumentException($"an agent named '{agent.Name}' is registered already", nameof(agent));
        }
    }

    public bool TryGetAgent(string name, out IAgent? agent) => _agents.TryGetValue(name, out agent);

    /// <summary>How long a call of <paramref name="message"/> is waited for: the agent's own bound plus <see cref="OwnTimeoutGrace"/>, or the default.</summary>
    public TimeSpan TimeoutFor(AgentMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _agents.TryGetValue(message.TargetAgent, out IAgent? agent) && agent.CallTimeout(message.Method) is { } own
            ? own + OwnTimeoutGrace
            : _defaultTimeout;
    }

    /// <summary>The brief's send_agent_message: runs the method and returns its result.</summary>
    public async Task<AgentResult> SendAgentMessageAsync(AgentMessage message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        Interlocked.Increment(ref _messages);
        AgentResult result = await RouteAsync(message, timeout ?? TimeoutFor(message), cancellationToken).ConfigureAwait(false);
        if (!result.Ok)
        {
            Interlocked.Increment(ref _failures);
            s_logger.Warn("Agent message {0}.{1} not served: {2} ({3})", message.TargetAgent, message.Method, result.ErrorCode, result.Error);
        }

        return result;
    }

    /// <summary>
    /// The brief's delegate_task: checks the target exists and the params are valid (as far as the
    /// agent can tell before running, <see cref="IAgent.CheckParams"/>), starts the call as a
    /// background task and returns its id — or a failure result (unknown agent or method, invalid
    /// params, too many tasks). The task's timeout is <paramref name="timeout"/>, else the agent's own
    /// bound for the method plus <see cref="OwnTimeoutGrace"/>, else the scheduler's default.
    /// </summary>
    public Task<(string? TaskId, AgentResult? Refusal)> DelegateTaskAsync(AgentMessage message, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Resolve(message, out IAgent? agent) is { } refusal)
        {
            return Task.FromResult<(string?, AgentResult?)>((null, refusal));
        }

        if (agent!.CheckParams(message.Method, message.Params) is { } invalid)
        {
            return Task.FromResult<(string?, AgentResult?)>((null, AgentResult.Failure(AgentErrors.InvalidParams, invalid)));
        }

        TimeSpan? taskTimeout = timeout ?? (agent.CallTimeout(message.Method) is { } own ? own + OwnTimeoutGrace : null);
        string? id = _jobs.Start(agent.Name + "." + message.Method, ct => SendAgentMessageAsync(message, Timeout.InfiniteTimeSpan, ct), taskTimeout);
        return Task.FromResult<(string?, AgentResult?)>(id is null
            ? (null, AgentResult.Failure(AgentErrors.Unavailable, "too many tasks are active; try again later"))
            : (id, null));
    }

    private async Task<AgentResult> RouteAsync(AgentMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Resolve(message, out IAgent? agent) is { } refusal)
        {
            return refusal;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(timeout);
        }

        try
        {
            // WaitAsync: an agent that ignores its token cannot hold the caller past the deadline.
            return await _pool.Run(() => agent!.InvokeAsync(message.Method, message.Params, deadline.Token)).WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return cancellationToken.IsCancellationRequested
                ? AgentResult.Failure(AgentErrors.Canceled, $"{message.TargetAgent}.{message.Method}: canceled")
                : AgentResult.Failure(AgentErrors.Timeout, $"{message.TargetAgent}.{message.Method}: no answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (Exception ex)
        {
            s_logger.Error(ex, "Agent {0} failed in {1}", message.TargetAgent, message.Method);
            return AgentResult.Failure(AgentErrors.Failed, $"{message.TargetAgent}.{message.Method} failed: {ex.Message}");
        }
    }

    /// <summary>The target agent, or why the message cannot reach it.</summary>
    private AgentResult? Resolve(AgentMessage message, out IAgent? agent)
    {
        if (!_agents.TryGetValue(message.TargetAgent, out agent))
        {
            return AgentResult.Failure(AgentErrors.UnknownAgent, $"no agent named '{message.TargetAgent}'; known: {string.Join(", ", _agents.Keys.Order(StringComparer.Ordinal))}");
        }

        if (!agent.Methods.Contains(message.Method))
        {
            return AgentResult.Failure(AgentErrors.UnknownMethod, $"{agent.Name} has no method '{message.Method}'; it has: {string.Join(", ", agent.Methods.Order(StringComparer.Ordinal))}");
        }

        return null;
    }
}
