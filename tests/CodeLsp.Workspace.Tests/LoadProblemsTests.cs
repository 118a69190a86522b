using CodeLsp.Workspace.Loading;

namespace CodeLsp.Workspace.Tests;

/// <summary>Messages MSBuildWorkspace reported while loading real solutions (Polly, eShopOnWeb, CleanArchitecture).</summary>
public sealed class LoadProblemsTests
{
    private const string Prefix = "Msbuild failed when processing the file '/src/App/App.csproj' with message: ";

    [Theory]
    [InlineData("Polly.Core depends on Microsoft.Bcl.TimeProvider (>= 8.0.0) but Microsoft.Bcl.TimeProvider 8.0.0 was not found. Microsoft.Bcl.TimeProvider 8.0.1 was resolved instead.", LoadProblemKind.Harmless, null)]
    [InlineData("Microsoft.Data.SqlClient 5.1.5 depends on Microsoft.Data.SqlClient.SNI.runtime (>= 5.1.1) but Microsoft.Data.SqlClient.SNI.runtime 5.1.1 was not found. Microsoft.Data.SqlClient.SNI.runtime 5.2.0 was resolved instead.", LoadProblemKind.Harmless, null)]
    [InlineData("Warning As Error: Detected package downgrade: Microsoft.Build.Utilities.Core from 18.10.1 to 18.9.6. Reference the package directly from the project to select a different version.", LoadProblemKind.Harmless, null)]
    [InlineData("Microsoft.Build.Tasks.Core 18.10.1 doesn't support net8.0 and has not been tested with it. Consider upgrading your TargetFramework to net10.0 or later.", LoadProblemKind.Harmless, null)]
    [InlineData("Package 'System.Text.Json' 8.0.0 has a known high severity vulnerability, https://github.com/advisories/GHSA-8g4q-xg66-9fp4", LoadProblemKind.Harmless, null)]
    [InlineData("Unable to find package MediatR.Contracts. No packages exist with this id in source(s): nuget.org", LoadProblemKind.MissingPackage, "MediatR.Contracts")]
    [InlineData("Unable to find package AutoMapper.Extensions.Microsoft.DependencyInjection with version (>= 12.0.1)", LoadProblemKind.MissingPackage, "AutoMapper.Extensions.Microsoft.DependencyInjection")]
    [InlineData("Assets file '/src/App/obj/project.assets.json' not found. Run a NuGet package restore to generate this file.", LoadProblemKind.MissingPackage, null)]
    [InlineData("The SDK 'Aspire.AppHost.Sdk/9.5.1' specified could not be found.  /src/App/App.csproj", LoadProblemKind.MissingSdk, "Aspire.AppHost.Sdk")]
    [InlineData("The target \"GetTargetPath\" does not exist in the project.", LoadProblemKind.Other, null)]
    public void Messages_are_sorted_by_what_they_mean_for_the_user(string message, LoadProblemKind kind, string? subject)
    {
        var problem = LoadProblems.Classify(Prefix + message);
        Assert.Equal(kind, problem.Kind);
        Assert.Equal(subject, problem.Subject);
        Assert.Equal("/src/App/App.csproj", problem.Project);
    }

    [Fact]
    public void An_sdk_that_cannot_be_resolved_without_a_project_is_recognised()
    {
        var problem = LoadProblems.Classify("Msbuild failed when processing the file '' with message: Could not resolve SDK \"Aspire.AppHost.Sdk\". Exactly one of the probing messages below indicates why.");
        Assert.Equal(LoadProblemKind.MissingSdk, problem.Kind);
        Assert.Equal("Aspire.AppHost.Sdk", problem.Subject);
        Assert.Null(problem.Project);
    }

    [Fact]
    public void Version_notes_alone_tell_the_user_nothing()
    {
        var problems = Enumerable.Range(0, 99).Select(i => LoadProblems.Classify(Prefix + $"P depends on Q{i} (>= 1.0.0) but Q{i} 1.0.0 was not found. Q{i} 1.0.1 was resolved instead.")).ToList();
        Assert.Null(LoadProblems.Summarize(problems, notLoaded: [], loadedProjects: 15));
    }

    [Fact]
    public void Missing_packages_are_named_with_the_fix()
    {
        var problems = new[]
        {
            Prefix + "Unable to find package MediatR.Contracts. No packages exist with this id in source(s): nuget.org",
            "Msbuild failed when processing the file '/src/Web/Web.csproj' with message: Unable to find package MediatR.Contracts. No packages exist with this id",
            "Msbuild failed when processing the file '/src/Web/Web.csproj' with message: Unable to find package BlazorInputFile. No packages exist with this id",
            Prefix + "App depends on X (>= 1.0.0) but X 1.0.0 was not found. X 1.0.1 was resolved instead.",
        }.Select(LoadProblems.Classify).ToList();
        var message = LoadProblems.Summarize(problems, notLoaded: [], loadedProjects: 12);
        Assert.Equal("CodeLsp loaded 12 project(s), but 2 project(s) use NuGet packages that are not restored (MediatR.Contracts, BlazorInputFile), " +
                     "so their types are unknown to suggestions; run `dotnet restore` (or check the package sources) and reopen the folder.", message);
    }

    [Fact]
    public void Projects_that_did_not_load_are_named_with_the_reason()
    {
        var problems = new[]
        {
            "Msbuild failed when processing the file '/src/AppHost/AppHost.csproj' with message: The SDK 'Aspire.AppHost.Sdk/9.5.1' specified could not be found.",
            Prefix + "Microsoft.Build.Tasks.Core 18.10.1 doesn't support net8.0 and has not been tested with it.",
        }.Select(LoadProblems.Classify).ToList();
        var message = LoadProblems.Summarize(problems, notLoaded: ["/src/AppHost/AppHost.csproj"], loadedProjects: 11);
        Assert.Equal("CodeLsp loaded 11 project(s), but 1 project(s) could not be loaded (AppHost): the MSBuild SDK Aspire.AppHost.Sdk is not installed; " +
                     "their files are read without project settings.", message);
    }
}
