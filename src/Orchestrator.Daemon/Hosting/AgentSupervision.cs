using System.Globalization;
using System.Security.Cryptography;
using NLog;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Agents.Alerts;
using Orchestrator.Agents.Supervision;
using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// Wires the supervisor of daemon.yaml <c>agents.processes</c> into a running session: the gateway
/// the agents connect to (and register their tokens with), the directory their heartbeats are read
/// from, the alert service, a health component per agent, and the agent host that the control API,
/// MCP and the metrics reach it through.
/// </summary>
public static class AgentSupervision
{
    private static readonly Logger s_logger = LogManager.GetLogger(AgentSupervisor.LoggerName);

    /// <summary>
    /// The gateway options when supervised agents need a gateway that the configuration leaves off:
    /// on an ephemeral port, with auth required and a random gateway token nobody is told — so the
    /// port opened only for supervised agents accepts nothing but their own agent tokens.
    /// </summary>
    public static GatewayOptions? GatewayForSupervisedAgents(DaemonConfig config, GatewayOptions? configured)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (configured is not null || config.Daemon.Agents.Processes.Count == 0 || !config.Daemon.Agents.Enabled)
        {
            return configured;
        }

        GatewaySettings g = config.Daemon.Gateway;
        return new GatewayOptions
        {
            Port = 0,
            MaxConnections = g.MaxConnections,
            MaxLineBytes = g.MaxLineBytes,
            MaxInFlight = g.MaxInFlight,
            AuthTimeout = g.AuthTimeout,
            IdleTimeout = g.IdleTimeout,
            AuthToken = RandomNumberGenerator.GetHexString(64, lowercase: true),
        };
    }

    /// <summary>Starts the supervisor when the configuration declares agent processes (null otherwise); the engine and the gateway are up by now.</summary>
    public static AgentSupervisor? Start(DaemonConfig config, TradingSession session, AgentHost? agents, AlertService alerts, bool gatewayOpenedForAgents)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(session);
        IReadOnlyList<AgentProcessOptions> processes = config.Daemon.Agents.Processes;
        if (processes.Count == 0 || agents is null)
        {
            return null;
        }

        SignalGateway gateway = session.SignalGateway ?? throw new InvalidOperationException("supervised agents need the signal gateway, and the session has none");
        string address = "127.0.0.1:" + gateway.Port.ToString(CultureInfo.InvariantCulture);
        if (gatewayOpenedForAgents)
        {
            s_logger.Info("Gateway: off in {0}, but agents.processes needs it: listening on {1} with auth required, for the supervised agents' own tokens only", ConfigLoader.DaemonFile, address);
        }

        var supervisor = new AgentSupervisor(processes, new AgentSupervisorLinks
        {
            GatewayAddress = address,
            RegisterToken = RegisterToken(gateway),
            UnregisterToken = UnregisterToken(gateway),
            LastHeartbeat = LastHeartbeat(gateway),
            Alerts = alerts,
            WithheldEnvironment = [.. ConfigLoader.CredentialEnvironmentVariables.Values],
        });
        foreach (AgentProcessOptions process in processes)
        {
            agents.Health.AddCheck(SupervisedAgentHealth.ComponentName(process.Name), _ =>
                Task.FromResult(supervisor.TryGetStatus(process.Name, out SupervisedAgentStatus? status)
                    ? SupervisedAgentHealth.Of(status!, process, DateTimeOffset.UtcNow)
                    : Agents.Health.ComponentHealth.Of(SupervisedAgentHealth.ComponentName(process.Name), Agents.Health.HealthState.Unknown)));
        }

        agents.Supervisor = supervisor;
        session.AgentRestarts = supervisor.RestartsOf; // the run report's and GET /api/agents/{name}'s restarts
        supervisor.Start();
        s_logger.Info("Supervising {0} agent process(es): {1}; they connect to {2}", processes.Count, string.Join(", ", processes.Select(p => p.Name)), address);
        return supervisor;
    }

    // The gateway's agent tokens (protocol C3) and the external agents' last lines received (the gateway's GatewayAgent.LastHeartbeat).
    private static Action<string, string> RegisterToken(SignalGateway gateway) => gateway.RegisterAgentToken;

    private static Action<string> UnregisterToken(SignalGateway gateway) => name => gateway.UnregisterAgentToken(name);

    private static Func<string, DateTimeOffset?> LastHeartbeat(SignalGateway gateway) =>
        name => gateway.TryGetAgent(name, out GatewayAgent? agent) ? agent!.LastHeartbeat : null;
}
