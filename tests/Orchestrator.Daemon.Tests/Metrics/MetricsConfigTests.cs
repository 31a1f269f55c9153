using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Tests.Metrics;

/// <summary>daemon.yaml control_api.metrics_unauthenticated.</summary>
public sealed class MetricsConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-metrics-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) LoadDaemon(string yaml)
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), yaml);
        return ConfigLoader.Load(_dir, _ => null);
    }

    [Fact]
    public void MetricsUnauthenticated_IsFalseByDefault_AndReadWhenSet()
    {
        Assert.False(LoadDaemon("control_api: { port: 9090 }\n").Config!.Daemon.MetricsUnauthenticated);
        Assert.True(LoadDaemon("control_api: { metrics_unauthenticated: true }\n").Config!.Daemon.MetricsUnauthenticated);
    }

    [Fact]
    public void MetricsUnauthenticated_NotABoolean_IsAnErrorNamingFileAndKey()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = LoadDaemon("control_api: { metrics_unauthenticated: sometimes }\n");
        Assert.Null(config);
        ConfigError error = Assert.Single(errors);
        Assert.Equal("control_api.metrics_unauthenticated", error.KeyPath);
        Assert.Contains(ConfigLoader.DaemonFile, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("sometimes", error.ToString(), StringComparison.Ordinal);
    }
}
