import SLAKit
import Foundation

TemporaryFiles.removeOnInterrupt()
exit(Driver.main(arguments: Array(CommandLine.arguments.dropFirst())))
