using System.Diagnostics;

namespace CodeLsp.Server.Tests.Infrastructure;

/// <summary>The built <c>codelsp</c> executable in a process of its own, with an LSP client on its stdin/stdout.</summary>
internal sealed class ServerProcess(Process process, TestLspClient client) : IAsyncDisposable
{
    public Process Process { get; } = process;
    public TestLspClient Client { get; } = client;

    /// <summary>Starts <c>dotnet codelsp.dll</c> with a state folder of its own and no CODELSP_MODEL from the caller.</summary>
    public static ServerProcess Start(string stateFolder, params string[] arguments) =>
        Start(stateFolder, new Dictionary<string, string>(), arguments);

    /// <summary>As <see cref="Start(string, string[])"/>, with these environment variables set for the server.</summary>
    public static ServerProcess Start(string stateFolder, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        // The test project references the server, so the build puts codelsp.dll (and its runtimeconfig) next to this assembly.
        var dll = Path.Combine(AppContext.BaseDirectory, "codelsp.dll");
        Assert.True(File.Exists(dll), $"{dll} was not built");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Remove("CODELSP_MODEL");
        start.Environment["XDG_STATE_HOME"] = stateFolder;
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new ServerProcess(process, new TestLspClient(process.StandardInput.BaseStream, process.StandardOutput.BaseStream));
    }

    public async Task<int> WaitForExitAsync()
    {
        await Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return Process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        if (!Process.HasExited)
        {
            Process.Kill();
            await Process.WaitForExitAsync();
        }
        Process.Dispose();
    }
}
