using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Orchestrator.Strategies;

namespace Orchestrator.Daemon.Tests.Strategies;

/// <summary>
/// Compiles C# source into a real strategy assembly on disk, laid out as <c>dotnet build</c> lays one
/// out: the .dll, with copies of <c>Orchestrator.Strategies.Abstractions.dll</c> and
/// <c>Orchestrator.Core.dll</c> beside it (the loader must use the daemon's own copies instead).
/// </summary>
internal static class StrategyCompiler
{
    /// <summary>Compiles <paramref name="source"/> to <c>DIRECTORY/NAME.dll</c>; returns its path. Throws with the diagnostics when it does not compile.</summary>
    public static string Compile(string directory, string assemblyName, string source, params string[] references)
    {
        Directory.CreateDirectory(directory);
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        IEnumerable<string> framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == runtime);
        string abstractions = typeof(IStrategy).Assembly.Location;
        string core = typeof(Orchestrator.Core.Side).Assembly.Location;
        var compilation = CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            framework.Concat([abstractions, core]).Concat(references).Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        string path = Path.Combine(directory, assemblyName + ".dll");
        using (var stream = File.Create(path))
        {
            Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(stream);
            if (!result.Success)
            {
                throw new InvalidOperationException("the test strategy does not compile:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
            }
        }

        File.Copy(abstractions, Path.Combine(directory, Path.GetFileName(abstractions)), overwrite: true);
        File.Copy(core, Path.Combine(directory, Path.GetFileName(core)), overwrite: true);
        return path;
    }
}
