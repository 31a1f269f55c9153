namespace Orchestrator.Daemon.Configuration;

/// <summary>The agent protocol's keys of the <c>gateway:</c> section of <c>daemon.yaml</c> (issue 17).</summary>
public static partial class ConfigLoader
{
    private static GatewaySettings ReadAgentProtocol(YamlSection s, GatewaySettings g)
    {
        g = g with
        {
            HeartbeatInterval = s.GetDuration("heartbeat_interval", g.HeartbeatInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
            AgentQueueSize = s.GetInt("agent_queue_size", g.AgentQueueSize, 16, 1 << 20),
            AgentLogSize = s.GetInt("agent_log_size", g.AgentLogSize, 32, 1 << 22),
            MarketDataRingSize = s.GetInt("market_data_ring_size", g.MarketDataRingSize, 1024, 1 << 24),
        };
        PowerOfTwo(s, "agent_queue_size", g.AgentQueueSize);
        PowerOfTwo(s, "agent_log_size", g.AgentLogSize);
        PowerOfTwo(s, "market_data_ring_size", g.MarketDataRingSize);
        if (g.AgentLogSize < 2 * g.AgentQueueSize)
        {
            s.Error("agent_log_size", $"must be at least twice agent_queue_size ({2 * g.AgentQueueSize}) so a disconnected agent's unread events stay for its replay, got {g.AgentLogSize}");
        }

        return g;
    }

    private static void PowerOfTwo(YamlSection s, string key, int value)
    {
        if ((value & (value - 1)) != 0)
        {
            s.Error(key, $"must be a power of two, got {value}");
        }
    }
}
