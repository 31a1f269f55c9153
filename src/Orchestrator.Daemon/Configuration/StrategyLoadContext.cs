using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// The load context of one strategy assembly (<c>daemon.yaml</c> <c>strategies:</c>). The strategy
/// API (<c>Orchestrator.Strategies.Abstractions</c>) and <c>Orchestrator.Core</c> resolve to the
/// host's own copies, whatever version or copy lies beside the strategy, so the strategy's
/// <c>IStrategy</c> is the engine's <c>IStrategy</c> (one type identity). Every other dependency
/// resolves from the strategy's own folder first (its <c>.deps.json</c>, then a file of that name),
/// so a strategy may use a package version the daemon does not; the framework comes from the host.
/// </summary>
/// <remarks>
/// One context per assembly file for the life of the process: two strategies from the same file
/// share it (and its statics), and loading the configuration again (check-config, each backtest)
/// does not load the file again. Contexts are not collectible: a strategy stays loaded.
/// </remarks>
internal sealed class StrategyLoadContext : AssemblyLoadContext
{
    /// <summary>Assemblies that must be the host's: the types the engine and the strategy exchange.</summary>
    public static readonly IReadOnlyList<string> SharedAssemblies = ["Orchestrator.Strategies.Abstractions", "Orchestrator.Core"];

    private static readonly ConcurrentDictionary<string, Lazy<Assembly>> s_loaded = new(StringComparer.Ordinal);

    private readonly AssemblyDependencyResolver _resolver;
    private readonly string _directory;

    private StrategyLoadContext(string assemblyPath)
        : base("strategy " + Path.GetFileName(assemblyPath), isCollectible: false)
    {
        _resolver = new AssemblyDependencyResolver(assemblyPath);
        _directory = Path.GetDirectoryName(assemblyPath)!;
    }

    /// <summary>
    /// The assembly at <paramref name="fullPath"/> in its own context (the same one on every call).
    /// Throws what loading throws: <see cref="FileNotFoundException"/>, <see cref="BadImageFormatException"/>
    /// (not a .NET assembly), <see cref="FileLoadException"/>; a failed load is tried again next time.
    /// </summary>
    public static Assembly Load(string fullPath)
    {
        Lazy<Assembly> loading = s_loaded.GetOrAdd(fullPath, path => new Lazy<Assembly>(() => new StrategyLoadContext(path).LoadFromAssemblyPath(path)));
        try
        {
            return loading.Value;
        }
        catch
        {
            s_loaded.TryRemove(new KeyValuePair<string, Lazy<Assembly>>(fullPath, loading));
            throw;
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string? name = assemblyName.Name;
        if (name is null)
        {
            return null;
        }

        if (SharedAssemblies.Contains(name, StringComparer.Ordinal))
        {
            // By simple name, any version: the copy the daemon runs on is the only one.
            return Default.LoadFromAssemblyName(new AssemblyName(name));
        }

        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        if (path is null)
        {
            string beside = Path.Combine(_directory, name + ".dll");
            path = File.Exists(beside) ? beside : null;
        }

        return path is null ? null : LoadFromAssemblyPath(path); // null: the default context (the framework, the host's packages)
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
