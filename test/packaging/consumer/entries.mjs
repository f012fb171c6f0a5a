// Prints the export names of each entry point given as JSON in argv[2], loaded with import().
const names = {};
for (const entry of JSON.parse(process.argv[2])) names[entry] = Object.keys(await import(entry)).sort();
console.log(JSON.stringify(names));
